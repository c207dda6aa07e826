"""The public feeds the curators: suggesting organisations and corrections, the defences
against spam and abuse, and the moderation queue in the admin."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from orgs.models import Correction, Criterion, Organisation, OrganisationSuggestion, Pillar, Source
from orgs.models.suggestions import SOURCE_SUPPORTS, summary_from

from .conftest import SecondFactorClient
from .factories import CorrectionFactory, OrganisationFactory, OrganisationSuggestionFactory

pytestmark = pytest.mark.django_db

SUGGEST = reverse("orgs:suggest")
THANKS = reverse("orgs:suggestion_thanks")
SUGGESTIONS_ADMIN = reverse("admin:orgs_organisationsuggestion_changelist")
CORRECTIONS_ADMIN = reverse("admin:orgs_correction_changelist")


def suggestion_data(**overrides):
    data = {
        "name": "Lantern Project",
        "website": "https://lantern.example.org/",
        "description": "Supports survivors of labour exploitation in Leeds.",
        "pillars": [Pillar.objects.get(slug="recovery").pk],
        "country": "GB",
        "email": "someone@example.net",
        "source_url": "https://register.example.org/lantern",
        "fax_number": "",
    }
    data.update(overrides)
    return data


def correction_data(**overrides):
    data = {
        "field": "website",
        "proposed_value": "https://harbour-trust.example.org/",
        "evidence_url": "https://register.example.org/harbour",
        "email": "someone@example.net",
        "fax_number": "",
    }
    data.update(overrides)
    return data


def correction_url(organisation):
    return reverse("orgs:correction", args=[organisation.slug])


def correction_thanks_url(organisation):
    return reverse("orgs:correction_thanks", args=[organisation.slug])


def staff_user(*permissions):
    user = User.objects.create_user("curator", password="pw", is_staff=True)
    codenames = [permission.split(".")[1] for permission in permissions]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = SecondFactorClient()
    client.force_login(user)
    return client


# The public forms


def test_suggestion_is_stored_and_the_sender_thanked(client, vocabulary):
    response = client.post(SUGGEST, suggestion_data())
    assert response.status_code == 302
    assert response["Location"] == THANKS
    suggestion = OrganisationSuggestion.objects.get()
    assert suggestion.name == "Lantern Project"
    assert suggestion.status == OrganisationSuggestion.Status.NEW
    assert [pillar.slug for pillar in suggestion.pillars.all()] == ["recovery"]
    assert suggestion.country.code == "GB"
    assert suggestion.email == "someone@example.net"


def test_thank_you_page_says_what_happens_next(client):
    response = client.get(THANKS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you" in html
    assert "A curator will check it" in html


def test_suggest_link_is_in_every_page_layout(client, vocabulary):
    html = client.get("/").content.decode()
    assert f'href="{SUGGEST}">Suggest an organisation<' in html


def test_suggestion_form_is_labelled_and_autocompletes_only_the_senders_email(client, vocabulary):
    html = client.get(SUGGEST).content.decode()
    for field in ["name", "website", "description", "country", "email", "source_url"]:
        assert f'for="id_{field}"' in html, field
    assert "<legend" in html and "Which pillars it works on" in html
    assert 'autocomplete="email"' in html
    assert 'name="name"' in html and 'autocomplete="off"' in html


def test_rejected_form_keeps_what_was_typed_and_links_each_error_from_a_summary(client, vocabulary):
    response = client.post(
        SUGGEST,
        suggestion_data(website="not a website", pillars=[], country="", email="nope"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert OrganisationSuggestion.objects.count() == 0
    assert 'class="error-summary" role="alert"' in html
    assert html.index("error-summary") < html.index("<form")
    for anchor in ["id_website", "id_pillars_0", "id_country", "id_email"]:
        assert f'href="#{anchor}"' in html, anchor
    assert "Choose at least one pillar." in html
    assert "Choose the country where it is based." in html
    # What the person typed is still there, and each error is tied to its field.
    assert 'value="Lantern Project"' in html
    assert "Supports survivors of labour exploitation in Leeds.</textarea>" in html
    assert 'value="not a website"' in html
    assert 'aria-describedby="id_website_helptext id_website_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<ul class="errorlist" id="id_website_error">' in html
    assert "<title>Error: Suggest an organisation" in html


@pytest.mark.parametrize("value", ["99999999999999999999999", "-" + "9" * 30, "abc", "1.5", "\x00"])
def test_a_pillar_value_that_is_no_pillar_is_a_wrong_choice_not_an_error(client, vocabulary, value):
    # A number beyond the database's integers made SQLite raise OverflowError.
    response = client.post(SUGGEST, suggestion_data(pillars=[value]))
    assert response.status_code == 200
    assert "Which pillars it works on: Choose pillars from the list." in response.content.decode()
    assert OrganisationSuggestion.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("name", 200),
        ("website", 200),
        ("description", 2000),
        ("email", 254),
        ("source_url", 500),
    ],
)
def test_every_suggestion_field_has_a_length_limit(client, vocabulary, field, limit):
    too_long = {
        "name": "N" * (limit + 1),
        "website": "https://example.org/" + "a" * limit,
        "description": "d" * (limit + 1),
        "email": "a" * limit + "@example.org",
        "source_url": "https://example.org/" + "a" * limit,
    }[field]
    response = client.post(SUGGEST, suggestion_data(**{field: too_long}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert OrganisationSuggestion.objects.count() == 0
    assert f'maxlength="{limit}"' in client.get(SUGGEST).content.decode()


def test_every_correction_field_has_a_length_limit(client, organisation):
    response = client.post(
        correction_url(organisation),
        correction_data(
            proposed_value="x" * 2001,
            evidence_url="https://example.org/" + "a" * 500,
            email="a" * 250 + "@example.org",
            field="x" * 41,
        ),
    )
    assert set(response.context["form"].errors) == {
        "proposed_value",
        "evidence_url",
        "email",
        "field",
    }
    assert Correction.objects.count() == 0


def test_filled_honeypot_is_thanked_but_nothing_is_stored(client, vocabulary, organisation):
    response = client.post(SUGGEST, suggestion_data(fax_number="+44 20 0000 0000"))
    assert response.status_code == 302
    assert response["Location"] == THANKS
    response = client.post(
        correction_url(organisation), correction_data(fax_number="spam", evidence_url="")
    )
    assert response["Location"] == correction_thanks_url(organisation)
    assert OrganisationSuggestion.objects.count() == 0
    assert Correction.objects.count() == 0


def test_honeypot_is_hidden_from_people_and_labelled_for_anyone_who_meets_it(client, vocabulary):
    html = client.get(SUGGEST).content.decode()
    assert '<div class="honeypot" aria-hidden="true">' in html
    assert '<label for="id_fax_number">Leave this field empty</label>' in html
    assert 'tabindex="-1"' in html


def test_too_many_submissions_from_one_address_get_429_and_an_explanation(
    client, vocabulary, settings
):
    settings.ORGS_SUBMISSIONS_PER_HOUR = 2
    for number in range(2):
        response = client.post(SUGGEST, suggestion_data(name=f"Org {number}"))
        assert response.status_code == 302
    response = client.post(SUGGEST, suggestion_data(name="One too many"))
    assert response.status_code == 429
    # Until the hour's window closes.
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Please try again later" in response.content.decode()
    assert OrganisationSuggestion.objects.count() == 2
    # Another address is not held back, and anyone may still read the form.
    assert client.post(SUGGEST, suggestion_data(), REMOTE_ADDR="10.0.0.9").status_code == 302
    assert client.get(SUGGEST).status_code == 200


def test_a_refused_submission_reads_its_counter_once(client, vocabulary, settings, monkeypatch):
    from orgs import ratelimit

    settings.ORGS_SUBMISSIONS_PER_HOUR = 1
    assert client.post(SUGGEST, suggestion_data()).status_code == 302
    reads = []
    counted = ratelimit.get_usage

    def counting(*args, **kwargs):
        reads.append(kwargs["increment"])
        return counted(*args, **kwargs)

    monkeypatch.setattr(ratelimit, "get_usage", counting)
    response = client.post(SUGGEST, suggestion_data())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    # Refused and told how long to wait from one read of the shared cache, not two.
    assert reads == [False]


def test_honeypot_submissions_count_towards_the_limit(client, vocabulary, settings):
    settings.ORGS_SUBMISSIONS_PER_HOUR = 1
    client.post(SUGGEST, suggestion_data(fax_number="robot"))
    assert client.post(SUGGEST, suggestion_data()).status_code == 429


def test_forwarded_address_is_trusted_only_behind_a_proxy(client, vocabulary, settings):
    settings.ORGS_SUBMISSIONS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 0
    client.post(SUGGEST, suggestion_data(), HTTP_X_FORWARDED_FOR="203.0.113.1")
    # Without the proxy, a made-up header does not buy another try.
    response = client.post(SUGGEST, suggestion_data(), HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert response.status_code == 429
    # Behind one proxy, the entry it appended (the right-most) is the client.
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(SUGGEST, suggestion_data(), HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.3")
    assert response.status_code == 302
    response = client.post(SUGGEST, suggestion_data(), HTTP_X_FORWARDED_FOR="10.0.0.2, 203.0.113.3")
    assert response.status_code == 429


def test_a_rotated_first_forwarded_entry_buys_no_other_try(client, vocabulary, settings):
    """The client writes everything left of what our proxy appends: 30 posts with a new first
    entry each are one client to the limit."""
    settings.ORGS_SUBMISSIONS_PER_HOUR = 5
    settings.TRUSTED_PROXY_COUNT = 1
    accepted = sum(
        client.post(
            SUGGEST, suggestion_data(), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7"
        ).status_code
        == 302
        for n in range(30)
    )
    assert accepted == 5


def test_an_ipv6_client_is_counted_by_its_64_network(client, vocabulary, settings):
    settings.ORGS_SUBMISSIONS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    first = client.post(SUGGEST, suggestion_data(), HTTP_X_FORWARDED_FOR="2001:db8:1:2::1")
    assert first.status_code == 302
    same_64 = client.post(
        SUGGEST, suggestion_data(), HTTP_X_FORWARDED_FOR="2001:db8:1:2:ffff:1:2:3"
    )
    assert same_64.status_code == 429
    other_64 = client.post(SUGGEST, suggestion_data(), HTTP_X_FORWARDED_FOR="2001:db8:1:3::1")
    assert other_64.status_code == 302


def test_a_made_up_ipv6_zone_behind_the_proxy_buys_no_other_try(client, vocabulary, settings):
    settings.ORGS_SUBMISSIONS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(SUGGEST, suggestion_data(), HTTP_X_FORWARDED_FOR="2001:db8::1%a")
    assert response.status_code == 302
    zone = "b" * 300
    response = client.post(SUGGEST, suggestion_data(), HTTP_X_FORWARDED_FOR=f"2001:db8::1%{zone}")
    assert response.status_code == 429


def test_forms_refuse_a_post_without_the_csrf_token(vocabulary, organisation):
    client = Client(enforce_csrf_checks=True)
    assert client.post(SUGGEST, suggestion_data()).status_code == 403
    assert client.post(correction_url(organisation), correction_data()).status_code == 403
    assert OrganisationSuggestion.objects.count() == Correction.objects.count() == 0
    # With the token from the page, the same post goes through.
    client.get(SUGGEST)
    token = client.cookies["csrftoken"].value
    response = client.post(SUGGEST, suggestion_data(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert OrganisationSuggestion.objects.count() == 1


def test_profile_links_to_its_correction_page(client, organisation):
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "Something out of date?" in html
    assert f'href="{correction_url(organisation)}">Suggest a correction<' in html


def test_correction_is_stored_against_the_listing(client, organisation):
    response = client.get(correction_url(organisation))
    assert response.status_code == 200
    assert "Suggest a correction to Harbour Trust" in response.content.decode()
    response = client.post(correction_url(organisation), correction_data())
    assert response["Location"] == correction_thanks_url(organisation)
    correction = Correction.objects.get()
    assert correction.organisation == organisation
    assert correction.field == "website"
    assert correction.status == Correction.Status.NEW


def test_correction_page_is_404_for_drafts_and_archived_listings(client, draft, archived):
    for listing in [draft, archived]:
        assert client.get(correction_url(listing)).status_code == 404
        assert client.post(correction_url(listing), correction_data()).status_code == 404
    assert client.get("/organisations/no-such-listing/correction/").status_code == 404
    assert Correction.objects.count() == 0


def test_rejected_correction_keeps_what_was_typed(client, organisation):
    response = client.post(
        correction_url(organisation),
        correction_data(field="", proposed_value="Founded in 1996", evidence_url=""),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Founded in 1996</textarea>" in html
    assert 'href="#id_field"' in html and 'href="#id_evidence_url"' in html
    assert "Choose which part of the listing is wrong." in html


def test_senders_email_is_never_shown_publicly(client, organisation):
    client.post(SUGGEST, suggestion_data(email="private.sender@example.net"))
    client.post(correction_url(organisation), correction_data(email="private.sender@example.net"))
    assert OrganisationSuggestion.objects.get().email == "private.sender@example.net"
    assert Correction.objects.get().email == "private.sender@example.net"
    for url in [
        "/",
        "/organisations/",
        organisation.get_absolute_url(),
        correction_url(organisation),
        SUGGEST,
        THANKS,
    ]:
        assert "private.sender" not in client.get(url).content.decode(), url


def test_senders_email_is_shown_to_staff_in_the_admin(admin_client, vocabulary):
    suggestion = OrganisationSuggestionFactory(email="private.sender@example.net")
    html = admin_client.get(
        reverse("admin:orgs_organisationsuggestion_change", args=[suggestion.pk])
    ).content.decode()
    assert "private.sender@example.net" in html
    assert "Never shown publicly" in html


# The moderation queue


def test_queue_lists_status_and_date_and_filters_and_searches(admin_client, vocabulary):
    waiting = OrganisationSuggestionFactory(name="Waiting Trust", pillars=["policy"])
    OrganisationSuggestionFactory(name="Turned Down", status="rejected")
    response = admin_client.get(SUGGESTIONS_ADMIN)
    html = response.content.decode()
    assert "New — awaiting a curator" in html and "Rejected" in html
    assert "Policy" in html
    response = admin_client.get(SUGGESTIONS_ADMIN, {"status__exact": "new"})
    assert list(response.context["cl"].result_list) == [waiting]
    response = admin_client.get(SUGGESTIONS_ADMIN, {"q": "turned"})
    assert [s.name for s in response.context["cl"].result_list] == ["Turned Down"]
    assert admin_client.get(CORRECTIONS_ADMIN, {"status__exact": "new"}).status_code == 200


def test_suggestion_becomes_a_draft_listing_through_the_admin_action(admin_client, vocabulary):
    OrganisationFactory(name="Lantern Project", slug="lantern-project")
    suggestion = OrganisationSuggestionFactory(
        description="Works with survivors. " * 30, pillars=["recovery", "policy"]
    )
    response = admin_client.post(
        SUGGESTIONS_ADMIN,
        {"action": "create_draft_listings", "_selected_action": [suggestion.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Created draft listings: Lantern Project (draft listing “lantern-project-2”)." in html
    listing = Organisation.objects.get(slug="lantern-project-2")
    assert listing.status == Organisation.Status.DRAFT
    assert listing.name == "Lantern Project"
    assert listing.website == "https://lantern.example.org/"
    assert listing.hq_country.code == "GB"
    assert sorted(p.slug for p in listing.pillars.all()) == ["policy", "recovery"]
    assert len(listing.summary) <= 300
    assert listing.summary.startswith("Works with survivors. Works with survivors.")
    assert listing.summary.endswith("…")
    assert [(s.url, s.supports) for s in Source.objects.filter(organisation=listing)] == [
        ("https://register.example.org/lantern", SOURCE_SUPPORTS)
    ]
    suggestion.refresh_from_db()
    assert suggestion.listing == listing
    assert suggestion.status == OrganisationSuggestion.Status.ACCEPTED
    assert suggestion.decided_by.username == "admin"
    assert listing.history.first().history_change_reason.startswith("Created from suggestion")


def test_draft_action_refuses_a_suggestion_already_accepted_and_says_which(
    admin_client, vocabulary
):
    fresh = OrganisationSuggestionFactory(name="Fresh Start")
    done = OrganisationSuggestionFactory(name="Done Before", status="accepted")
    response = admin_client.post(
        SUGGESTIONS_ADMIN,
        {"action": "create_draft_listings", "_selected_action": [fresh.pk, done.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Created draft listings: Fresh Start" in html
    assert "Not created draft listings: Done Before (already accepted)." in html
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Fresh Start"]


def test_staff_without_add_permission_cannot_turn_suggestions_into_drafts(vocabulary):
    client = staff_user("orgs.view_organisationsuggestion", "orgs.change_organisationsuggestion")
    suggestion = OrganisationSuggestionFactory()
    response = client.get(SUGGESTIONS_ADMIN)
    assert response.status_code == 200
    assert "create_draft_listings" not in response.content.decode()
    assert "reject" in response.content.decode()
    client.post(
        SUGGESTIONS_ADMIN,
        {"action": "create_draft_listings", "_selected_action": [suggestion.pk]},
    )
    assert Organisation.objects.count() == 0
    suggestion.refresh_from_db()
    assert suggestion.status == OrganisationSuggestion.Status.NEW


def test_staff_without_change_permission_cannot_apply_corrections(organisation):
    client = staff_user("orgs.view_correction", "orgs.change_correction")
    correction = CorrectionFactory(organisation=organisation)
    client.post(
        CORRECTIONS_ADMIN, {"action": "apply_corrections", "_selected_action": [correction.pk]}
    )
    organisation.refresh_from_db()
    assert organisation.website == "https://harbour-trust.example.org/"
    correction.refresh_from_db()
    assert correction.status == Correction.Status.NEW


def test_applying_a_correction_changes_the_published_listing_and_records_why(
    admin_client, organisation
):
    correction = CorrectionFactory(
        organisation=organisation, field="founded", proposed_value="1996"
    )
    reviewed_on = organisation.last_reviewed_on
    response = admin_client.post(
        CORRECTIONS_ADMIN,
        {"action": "apply_corrections", "_selected_action": [correction.pk]},
        follow=True,
    )
    assert f"Applied: Correction #{correction.pk} to Harbour Trust" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.founded == 1996
    assert organisation.status == Organisation.Status.PUBLISHED
    assert organisation.last_reviewed_on == reviewed_on
    latest = organisation.history.first()
    assert latest.history_change_reason == f"Correction #{correction.pk} from the public"
    assert latest.history_user.username == "admin"
    correction.refresh_from_db()
    assert correction.status == Correction.Status.ACCEPTED


def test_correction_naming_a_country_or_type_is_stored_as_its_code(organisation):
    CorrectionFactory(
        organisation=organisation, field="hq_country", proposed_value="Ireland"
    ).apply()
    CorrectionFactory(
        organisation=organisation, field="organisation_type", proposed_value="survivor-led group"
    ).apply()
    organisation.refresh_from_db()
    assert organisation.hq_country.code == "IE"
    assert organisation.organisation_type == "survivor-led"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("website", "not a web address", "Website: Enter a valid URL."),
        ("founded", "2999", "Year founded: The founding year cannot be in the future."),
        ("founded", "the nineties", "Year founded: “the nineties” value must be an integer."),
        ("hq_country", "Atlantis", "Headquarters (country)"),
        ("other", "Their phone line is closed at weekends", "it is about something else"),
    ],
)
def test_invalid_or_unspecific_correction_is_refused_with_a_reason_and_kept_in_the_queue(
    admin_client, organisation, field, value, reason
):
    correction = CorrectionFactory(organisation=organisation, field=field, proposed_value=value)
    response = admin_client.post(
        CORRECTIONS_ADMIN,
        {"action": "apply_corrections", "_selected_action": [correction.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert f"Not applied: Correction #{correction.pk} to Harbour Trust (" in html
    assert reason in html
    correction.refresh_from_db()
    assert correction.status == Correction.Status.NEW
    organisation.refresh_from_db()
    assert organisation.founded == 1995
    assert organisation.website == "https://harbour-trust.example.org/"
    assert organisation.hq_country.code == "GB"


def test_reject_action_rejects_and_refuses_what_is_already_decided(admin_client, organisation):
    waiting = CorrectionFactory(organisation=organisation)
    applied = CorrectionFactory(organisation=organisation, status="accepted")
    response = admin_client.post(
        CORRECTIONS_ADMIN,
        {"action": "reject", "_selected_action": [waiting.pk, applied.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert f"Rejected: Correction #{waiting.pk} to Harbour Trust." in html
    assert f"Not rejected: Correction #{applied.pk} to Harbour Trust (already accepted)." in html
    waiting.refresh_from_db()
    assert waiting.status == Correction.Status.REJECTED


def test_nobody_adds_suggestions_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:orgs_organisationsuggestion_add")).status_code == 403


def test_summary_is_cut_at_a_word_and_marked_as_cut():
    assert summary_from("Short   and\nsweet.") == "Short and sweet."
    summary = summary_from("word " * 100)
    assert len(summary) <= 300
    assert summary.endswith("word…")


def test_the_thanks_for_a_correction_leads_back_to_the_profile(client, organisation):
    response = client.post(correction_url(organisation), correction_data(), follow=True)
    html = response.content.decode()
    assert "Thank you" in html
    assert f'<a href="{organisation.get_absolute_url()}">Back to Harbour Trust</a>' in html


def test_a_correction_may_name_the_pillars_or_the_countries(client, organisation):
    for field in ["pillars", "countries"]:
        data = correction_data(field=field, proposed_value="Recovery, Education and Policy")
        response = client.post(correction_url(organisation), data)
        assert response.status_code == 302, response.content.decode()
    pillars, countries = Correction.objects.order_by("pk")
    assert pillars.current_value == "Education, Recovery"
    assert countries.current_value == "United Kingdom, Ireland"
    # Several values are a curator's change to make by hand.
    assert not pillars.names_one_fact


def test_a_correction_may_name_a_vetting_criterion_and_must_say_which(client, organisation):
    criterion = Criterion.objects.get(slug="registered")
    html = client.get(correction_url(organisation)).content.decode()
    assert '<option value="criterion">How it was vetted (choose the criterion)</option>' in html
    assert f'<option value="{criterion.pk}">{criterion.name}</option>' in html
    response = client.post(correction_url(organisation), correction_data(field="criterion"))
    assert response.status_code == 200
    assert "Choose which criterion is wrong." in response.content.decode()
    for value in ["99999999999999999999999", "abc"]:
        response = client.post(
            correction_url(organisation), correction_data(field="criterion", criterion=value)
        )
        assert "Choose a criterion from the list." in response.content.decode()
    response = client.post(
        correction_url(organisation),
        correction_data(field="criterion", criterion=criterion.pk, proposed_value="It is."),
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.criterion == criterion
    assert correction.current_value == f"{criterion.name}: not yet assessed"


def test_a_criterion_is_kept_only_when_the_correction_is_about_vetting(client, organisation):
    criterion = Criterion.objects.get(slug="registered")
    client.post(correction_url(organisation), correction_data(criterion=criterion.pk))
    assert Correction.objects.get().criterion is None


def test_required_labels_are_not_styled_as_the_muted_criterion_note(client, organisation):
    html = client.get(correction_url(organisation)).content.decode()
    assert '<label for="id_field" class="required">' in html
    css = (settings.BASE_DIR / "orgs/static/orgs/pillars.css").read_text()
    assert "span.required {" in css
    assert not re.search(r"(^|[\s,}])\.required\s*\{", css)
