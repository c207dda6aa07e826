"""Curation in the admin: the list, its filters and search, the actions, and the rules that
guard publishing."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from orgs.models import Criterion, OperatingCountry, Organisation, Pillar

from .factories import OrganisationFactory, change_data, form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:orgs_organisation_changelist")


def test_changelist_shows_status_pillars_country_and_review(admin_client, organisation, draft):
    response = admin_client.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Harbour Trust",
        "Hidden Draft",
        "Published",
        "Draft",
        "Recovery",
        "United Kingdom",
    ]:
        assert text in html, text
    assert f'href="{organisation.get_absolute_url()}"' in html


def test_changelist_filters_by_status_and_pillar_and_searches(admin_client, organisation, draft):
    response = admin_client.get(CHANGELIST, {"status__exact": "draft"})
    assert list(response.context["cl"].result_list) == [draft]
    pillar = Pillar.objects.get(slug="recovery")
    response = admin_client.get(CHANGELIST, {"pillars__id__exact": pillar.pk})
    assert list(response.context["cl"].result_list) == [organisation]
    response = admin_client.get(CHANGELIST, {"q": "harbour"})
    assert list(response.context["cl"].result_list) == [organisation]


def test_publish_action_publishes_vetted_listings_and_names_what_stops_the_others(
    admin_client, vocabulary
):
    review = Organisation.Status.REVIEW
    ready = OrganisationFactory(
        name="Ready", status=review, pillars=["policy"], criteria_met=["long-standing"]
    )
    no_pillar = OrganisationFactory(name="No Pillar", status=review, criteria_met=["long-standing"])
    no_source = OrganisationFactory(
        name="No Source",
        status=review,
        pillars=["policy"],
        sources=[],
        criteria_met=["long-standing"],
    )
    unvetted = OrganisationFactory(name="Unvetted", status=review, pillars=["policy"])
    response = admin_client.post(
        CHANGELIST,
        {
            "action": "publish",
            "_selected_action": [ready.pk, no_pillar.pk, no_source.pk, unvetted.pk],
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Published 1 organisation(s)." in html
    assert "No Pillar (choose at least one pillar)" in html
    assert "No Source (add at least one source)" in html
    assert "Unvetted (show with evidence that the criterion “Long-standing work” is met)" in html
    statuses = dict(Organisation.objects.values_list("name", "status"))
    assert statuses == {
        "Ready": "published",
        "No Pillar": "review",
        "No Source": "review",
        "Unvetted": "review",
    }


def test_archive_action_takes_listings_off_the_public_site(admin_client, client, organisation):
    admin_client.post(CHANGELIST, {"action": "archive", "_selected_action": [organisation.pk]})
    organisation.refresh_from_db()
    assert organisation.status == "archived"
    assert client.get(organisation.get_absolute_url()).status_code == 404


def test_mark_reviewed_today_action(admin_client, organisation):
    Organisation.objects.filter(pk=organisation.pk).update(last_reviewed_on=None)
    admin_client.post(
        CHANGELIST, {"action": "mark_reviewed_today", "_selected_action": [organisation.pk]}
    )
    organisation.refresh_from_db()
    assert organisation.last_reviewed_on == timezone.localdate()


def test_curator_can_create_a_draft_listing_with_countries(admin_client, vocabulary):
    policy = Pillar.objects.get(slug="policy")
    response = admin_client.post(
        reverse("admin:orgs_organisation_add"),
        form_data(status="published", pillars=[policy.pk], countries=["GB", "NP"], founded="1999"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get(slug="new-harbour")
    # Status is not a form field: a new listing is a draft whatever the post says.
    assert organisation.status == "draft"
    assert sorted(c.country.code for c in organisation.operating_countries.all()) == ["GB", "NP"]
    assert organisation.sources.count() == 1


def test_removing_the_last_pillar_of_a_published_listing_is_refused(admin_client, organisation):
    url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
    response = admin_client.post(url, change_data(organisation, pillars=[]))
    assert response.status_code == 200
    assert "A published listing needs at least one pillar." in response.content.decode()
    assert organisation.pillars.count() == 2


def test_removing_the_last_source_of_a_published_listing_is_refused(admin_client, organisation):
    url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
    response = admin_client.post(url, change_data(organisation, **{"sources-0-DELETE": "on"}))
    assert response.status_code == 200
    assert "A published listing needs at least one source." in response.content.decode()
    assert organisation.sources.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("founded", "1700", "greater than or equal to 1800"),
        ("founded", str(timezone.now().year + 5), "cannot be in the future"),
        ("website", "not a url", "Enter a valid URL."),
        ("sources-0-url", "javascript:alert(1)", "Enter a valid URL."),
    ],
)
def test_implausible_values_are_refused(admin_client, vocabulary, field, value, message):
    response = admin_client.post(
        reverse("admin:orgs_organisation_add"), form_data(**{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.exists()


def test_editing_countries_replaces_them_and_keeps_the_slug(admin_client, organisation):
    url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = change_data(
        organisation, name="Harbour Trust Renamed", slug="changed-slug", countries=["FR"]
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.name == "Harbour Trust Renamed"
    assert organisation.slug == "harbour-trust"
    assert list(OperatingCountry.objects.values_list("country", flat=True)) == ["FR"]


def test_admin_requires_a_staff_login(client, organisation):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Addresses and forms edited by hand get a message, never a server error.

TOO_BIG = "9" * 30  # beyond any database integer: SQLite raised OverflowError


@pytest.mark.parametrize(
    "query",
    [
        "updated_at__year=9999",  # the date hierarchy asked for the year 10000 (ValueError)
        f"updated_at__year={TOO_BIG}",
        "updated_at__year=0",
        "name__regex=%25_%5C",  # "%_\": SQLite OperationalError, PostgreSQL DataError
        "name__iregex=a(%3Fi)",
        "founded__range=0",  # one value where two are needed: IndexError
    ],
)
def test_a_filter_the_database_cannot_apply_shows_the_whole_list_with_a_message(
    admin_client, organisation, query
):
    response = admin_client.get(f"{CHANGELIST}?{query}", follow=True)
    assert response.redirect_chain == [(f"{CHANGELIST}?e=1", 302)]
    assert "The list cannot be filtered that way (" in response.content.decode()
    assert list(response.context["cl"].result_list) == [organisation]


@pytest.mark.parametrize(
    "query", ["status__exact=%00", "hq_country=%00", "name=a%00b", f"pillars__id__in={TOO_BIG}"]
)
def test_a_filter_value_one_database_refuses_is_never_a_server_error(
    admin_client, organisation, query
):
    # PostgreSQL refuses NUL in text (DataError), SQLite integers beyond 64 bits (OverflowError).
    response = admin_client.get(f"{CHANGELIST}?{query}", follow=True)
    assert response.status_code == 200


def test_an_export_with_a_filter_the_database_cannot_apply_says_so(admin_client, organisation):
    export = reverse("admin:orgs_organisation_export_csv")
    response = admin_client.get(f"{export}?updated_at__year=9999", follow=True)
    html = response.content.decode()
    assert "The list cannot be filtered that way (" in html
    assert "Those filters cannot be exported." in html


@pytest.mark.parametrize("selected", ["abc", "1.5", TOO_BIG, "\x00"])
def test_an_action_on_an_id_that_cannot_exist_changes_nothing_and_says_so(
    admin_client, organisation, selected
):
    Organisation.objects.filter(pk=organisation.pk).update(last_reviewed_on=None)
    response = admin_client.post(
        CHANGELIST,
        {"action": "mark_reviewed_today", "_selected_action": [organisation.pk, selected]},
        follow=True,
    )
    assert response.status_code == 200
    assert "one is not an item of this list. No items have been changed." in (
        response.content.decode()
    )
    organisation.refresh_from_db()
    assert organisation.last_reviewed_on is None


@pytest.mark.parametrize("path", ["abc/history/", "1.5/history/", "abc/history/1/", "1/history/x/"])
def test_a_history_address_with_an_id_that_cannot_exist_is_404(admin_client, organisation, path):
    assert admin_client.get(f"{CHANGELIST}{path}").status_code == 404


def test_a_pillar_id_beyond_the_database_integers_is_a_wrong_choice(admin_client, organisation):
    url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
    response = admin_client.post(url, change_data(organisation, pillars=[TOO_BIG]))
    assert response.status_code == 200
    assert f"“{TOO_BIG}” is not a valid value." in response.content.decode()
    assert organisation.pillars.count() == 2


def test_an_inline_edit_posted_with_an_id_that_cannot_exist_changes_nothing(admin_client, db):
    criterion = Criterion.objects.order_by("position").first()
    response = admin_client.post(
        reverse("admin:orgs_criterion_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": TOO_BIG,
            "form-0-position": "99",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "Please correct the error below." in response.content.decode()
    assert response.context["cl"].formset.errors == [
        {"id": ["Select a valid choice. That choice is not one of the available choices."]}
    ]
    assert Criterion.objects.get(pk=criterion.pk).position == criterion.position


# The assessments inline: one row per criterion, pre-filled


def assessment_rows(html):
    """What the change form posts for its assessment rows as rendered: each row's criterion
    (a hidden field) and "unknown", and the inline's management form."""
    rows = re.findall(r'name="assessments-(\d+)-criterion" value="(\d+)"', html)
    data = {f"assessments-{i}-criterion": pk for i, pk in rows}
    data |= {f"assessments-{i}-result": "unknown" for i, _ in rows}
    for name in ["TOTAL_FORMS", "INITIAL_FORMS", "MAX_NUM_FORMS"]:
        found = re.search(rf'name="assessments-{name}" value="(\d+)"', html)
        data[f"assessments-{name}"] = found.group(1)
    for i, pk in re.findall(r'name="assessments-(\d+)-id" value="(\d+)"', html):
        data[f"assessments-{i}-id"] = pk
    return data


def shown_criteria(html):
    return [int(pk) for pk in re.findall(r'name="assessments-\d+-criterion" value="(\d+)"', html)]


def test_a_new_listing_has_one_row_per_criterion_pre_filled_with_it(admin_client, vocabulary):
    html = admin_client.get(reverse("admin:orgs_organisation_add")).text
    criteria = list(Criterion.objects.all())
    assert shown_criteria(html) == [criterion.pk for criterion in criteria]
    for criterion in criteria:
        assert criterion.name in html
    # Nothing to pick and no row to add or remove.
    assert not re.search(r'<select[^>]*name="assessments-\d+-criterion"', html)
    assert 'name="assessments-MAX_NUM_FORMS" value="5"' in html
    assert 'name="assessments-0-DELETE"' not in html
    results = re.findall(r'name="assessments-\d+-result".*?</select>', html, re.S)
    assert len(results) == len(criteria)
    assert all('<option value="unknown" selected>' in result for result in results)


def test_a_listing_shows_each_criterion_once_assessed_or_not(admin_client, organisation):
    registered = Criterion.objects.get(slug="registered")
    organisation.assessments.create(criterion=registered, result="unknown")
    html = admin_client.get(reverse("admin:orgs_organisation_change", args=[organisation.pk])).text
    shown = shown_criteria(html)
    assert sorted(shown) == sorted(Criterion.objects.values_list("pk", flat=True))
    assert shown[0] == registered.pk  # the row assessed, then the others


def test_saving_the_rows_unchanged_adds_no_assessment(admin_client, organisation):
    url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
    rows = assessment_rows(admin_client.get(url).text)
    assert rows["assessments-TOTAL_FORMS"] == "5"
    response = admin_client.post(url, change_data(organisation, **rows))
    assert response.status_code == 302, response.context["errors"]
    assert not organisation.assessments.exists()


def test_filling_in_a_row_saves_it_for_its_criterion(admin_client, organisation):
    url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
    rows = assessment_rows(admin_client.get(url).text)
    registered = Criterion.objects.get(slug="registered")
    index = next(k.split("-")[1] for k, v in rows.items() if v == str(registered.pk))
    rows[f"assessments-{index}-result"] = "not-met"
    rows[f"assessments-{index}-note"] = "No entry in the register."
    rows[f"assessments-{index}-evidence_url"] = "https://register.example.org/search?q=harbour"
    rows[f"assessments-{index}-checked_on"] = "2026-11-30"
    response = admin_client.post(url, change_data(organisation, **rows))
    assert response.status_code == 302, response.context["errors"]
    assessment = organisation.assessments.get()
    assert (assessment.criterion, assessment.result) == (registered, "not-met")
    # Opened again: five rows, the criterion once.
    html = admin_client.get(url).text
    assert sorted(shown_criteria(html)) == sorted(Criterion.objects.values_list("pk", flat=True))


def test_a_row_for_a_criterion_assessed_meanwhile_is_refused_with_a_message(
    admin_client, organisation
):
    url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
    rows = assessment_rows(admin_client.get(url).text)
    registered = Criterion.objects.get(slug="registered")
    # Another curator assesses the criterion while this form is open.
    organisation.assessments.create(criterion=registered, result="met", checked_on="2026-01-01")
    index = next(k.split("-")[1] for k, v in rows.items() if v == str(registered.pk))
    rows[f"assessments-{index}-result"] = "not-met"
    rows[f"assessments-{index}-evidence_url"] = "https://register.example.org/search?q=harbour"
    rows[f"assessments-{index}-checked_on"] = "2026-11-30"
    response = admin_client.post(url, change_data(organisation, **rows))
    assert response.status_code == 200
    assert f"“{registered.name}” was assessed by someone else" in response.text
    assert organisation.assessments.get().result == "met"
