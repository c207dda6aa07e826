"""Curation you can trust: vetting criteria gate publishing, the workflow records who moved a
listing and when, roles are enforced, every change is in the history and can be reverted, and
listings due for review are queued for curators and flagged to the public."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from orgs.models import Assessment, Criterion, Organisation, Pillar

from .factories import OrganisationFactory, change_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:orgs_organisation_changelist")
QUEUE = reverse("admin:orgs_listingdueforreview_changelist")
Status = Organisation.Status


@pytest.fixture
def in_review(vocabulary):
    return OrganisationFactory(
        name="Ready Harbour",
        slug="ready-harbour",
        status=Status.REVIEW,
        pillars=["recovery"],
        criteria_met=["long-standing"],
    )


def act(client, action, *organisations):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [o.pk for o in organisations]},
        follow=True,
    )


# The workflow


def test_a_listing_moves_from_draft_through_review_to_published_recording_who_and_when(
    editor, vocabulary
):
    organisation = OrganisationFactory(
        status=Status.DRAFT, pillars=["policy"], criteria_met=["long-standing"]
    )
    organisation.move_to(Status.REVIEW, by=editor)
    organisation.move_to(Status.PUBLISHED, by=editor)
    organisation.refresh_from_db()
    assert organisation.status == Status.PUBLISHED
    assert organisation.status_changed_by == editor
    assert timezone.now() - organisation.status_changed_at < timedelta(minutes=1)
    latest = organisation.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Status: In review → Published"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.DRAFT, Status.PUBLISHED),
        (Status.ARCHIVED, Status.PUBLISHED),
        (Status.PUBLISHED, Status.DRAFT),
        (Status.ARCHIVED, Status.REVIEW),
    ],
)
def test_steps_outside_the_workflow_are_refused(vocabulary, start, target):
    organisation = OrganisationFactory(status=start, pillars=["policy"])
    with pytest.raises(ValidationError, match="cannot become"):
        organisation.move_to(target)
    organisation.refresh_from_db()
    assert organisation.status == start


def test_publish_needs_the_mandatory_criteria_which_are_a_setting(settings, editor, vocabulary):
    organisation = OrganisationFactory(
        status=Status.REVIEW, pillars=["policy"], criteria_met=["long-standing"]
    )
    settings.MANDATORY_CRITERIA = ["long-standing", "registered"]
    with pytest.raises(ValidationError, match="Registered and accountable"):
        organisation.move_to(Status.PUBLISHED, by=editor)
    settings.MANDATORY_CRITERIA = ["long-standing"]
    organisation.move_to(Status.PUBLISHED, by=editor)
    assert organisation.is_published


def test_a_criterion_marked_met_or_not_met_needs_evidence_and_a_date(vocabulary):
    assessment = Assessment(
        organisation=OrganisationFactory(),
        criterion=Criterion.objects.get(slug="registered"),
        result=Assessment.Result.MET,
    )
    with pytest.raises(ValidationError) as error:
        assessment.full_clean()
    assert set(error.value.message_dict) == {"evidence_url", "checked_on"}
    assessment.result = Assessment.Result.UNKNOWN
    assessment.full_clean()


def test_an_assessment_saved_in_the_admin_records_the_curator_who_checked_it(
    curator_client, curator, organisation
):
    url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
    registered = Criterion.objects.get(slug="registered")
    response = curator_client.post(
        url,
        change_data(
            organisation,
            **{
                "assessments-TOTAL_FORMS": "1",
                "assessments-0-criterion": str(registered.pk),
                "assessments-0-result": "met",
                "assessments-0-evidence_url": "register.example.org/entry/42",
                "assessments-0-note": "Charity number 42.",
                "assessments-0-checked_on": timezone.localdate().isoformat(),
            },
        ),
    )
    assert response.status_code == 302, response.context["errors"]
    assessment = organisation.assessments.get()
    assert assessment.checked_by == curator
    assert assessment.evidence_url == "https://register.example.org/entry/42"


# Roles and permissions


def test_roles_exist_with_their_permissions():
    curators = Group.objects.get(name="Curators")
    editors = Group.objects.get(name="Editors")
    curator_codes = set(curators.permissions.values_list("codename", flat=True))
    editor_codes = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_organisation", "change_organisation", "change_assessment"} <= curator_codes
    assert "publish_organisation" not in curator_codes
    assert "delete_organisation" not in curator_codes
    assert {"publish_organisation", "add_user", "change_user"} <= editor_codes
    assert curator_codes < editor_codes


def test_a_curator_can_submit_for_review_but_cannot_publish_or_archive(
    curator_client, in_review, draft
):
    response = act(curator_client, "submit_for_review", draft)
    assert "Submitted for review 1 organisation(s)." in response.content.decode()
    for action in ["publish", "archive", "unpublish"]:
        act(curator_client, action, in_review)
        in_review.refresh_from_db()
        assert in_review.status == Status.REVIEW, action
    actions = curator_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    offered = {name for name, _ in actions}
    assert "submit_for_review" in offered
    assert not offered & {"publish", "archive", "unpublish"}


def test_the_model_refuses_a_curator_publishing_whatever_the_route(curator, in_review):
    with pytest.raises(ValidationError, match="only editors"):
        in_review.move_to(Status.PUBLISHED, by=curator)


def test_an_editor_can_publish_and_archive(editor_client, in_review):
    response = act(editor_client, "publish", in_review)
    assert "Published 1 organisation(s)." in response.content.decode()
    act(editor_client, "archive", in_review)
    in_review.refresh_from_db()
    assert in_review.status == Status.ARCHIVED


def test_a_curator_cannot_delete_listings_or_manage_accounts(curator_client, organisation):
    delete = reverse("admin:orgs_organisation_delete", args=[organisation.pk])
    assert curator_client.post(delete, {"post": "yes"}).status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert curator_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_an_editor_adds_curators_but_cannot_grant_more(editor_client, editor):
    boss = User.objects.create_superuser("boss", password="not-a-real-password")
    response = editor_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcurator",
            "password1": "a-Long-enough-passphrase-1",
            "password2": "a-Long-enough-passphrase-1",
            "usable_password": "true",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    new = User.objects.get(username="newcurator")
    assert new.is_staff and not new.is_superuser
    assert list(new.groups.values_list("name", flat=True)) == ["Curators"]

    change = reverse("admin:auth_user_change", args=[new.pk])
    form = editor_client.get(change).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    assert list(form.fields["groups"].queryset.values_list("name", flat=True)) == ["Curators"]

    listed = editor_client.get(reverse("admin:auth_user_changelist")).context["cl"].result_list
    assert boss not in listed and editor not in listed and new in listed
    boss_page = reverse("admin:auth_user_change", args=[boss.pk])
    assert editor_client.get(boss_page).status_code == 302  # "doesn't exist", back to the list


# History


def test_every_change_is_recorded_with_who_which_fields_and_values_and_can_be_reverted(
    admin_client, admin_user, organisation
):
    url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
    data = change_data(organisation, name="Harbour Trust International")
    recorded = organisation.history.count()
    assert admin_client.post(url, data).status_code == 302
    assert organisation.history.count() == recorded + 1
    latest, before = organisation.history.all()[:2]
    assert latest.history_user == admin_user
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(before).changes}
    assert changes["name"] == ("Harbour Trust", "Harbour Trust International")

    history_page = admin_client.get(
        reverse("admin:orgs_organisation_history", args=[organisation.pk])
    )
    html = history_page.content.decode()
    assert "Harbour Trust International" in html and admin_user.username in html

    revert_url = reverse(
        "admin:orgs_organisation_simple_history", args=[organisation.pk, before.history_id]
    )
    organisation.pillars.set(Pillar.objects.filter(slug="policy"))
    form = admin_client.get(revert_url).context["adminform"].form
    assert form.initial["name"] == "Harbour Trust"
    recovery_and_education = set(
        Pillar.objects.filter(slug__in=["recovery", "education"]).values_list("pk", flat=True)
    )
    assert set(form.initial["pillars"]) == recovery_and_education
    reverted = {**data, "name": form.initial["name"], "pillars": form.initial["pillars"]}
    assert admin_client.post(revert_url, reverted).status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Harbour Trust"
    assert set(organisation.pillars.values_list("pk", flat=True)) == recovery_and_education


def test_changes_to_countries_and_sources_are_recorded_in_the_history(
    admin_client, admin_user, organisation
):
    url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
    data = change_data(
        organisation,
        countries=["GB", "FR"],
        **{
            "sources-TOTAL_FORMS": "2",
            "sources-1-url": "https://register.example.org/harbour",
            "sources-1-supports": "registration",
        },
    )
    assert admin_client.post(url, data).status_code == 302
    latest = organisation.history.first()
    assert latest.history_user == admin_user
    assert latest.history_change_reason == (
        "Countries: added FR; removed IE. "
        "Sources: added https://register.example.org/harbour (registration)"
    )
    history_page = admin_client.get(
        reverse("admin:orgs_organisation_history", args=[organisation.pk])
    )
    assert "Countries: added FR; removed IE." in history_page.content.decode()


# The review schedule


def test_listings_due_for_review_are_queued_oldest_first(admin_client, vocabulary):
    today = timezone.localdate()
    fresh = OrganisationFactory(name="Fresh", last_reviewed_on=today)
    old = OrganisationFactory(name="Old", last_reviewed_on=today - timedelta(days=400))
    never = OrganisationFactory(name="Never", last_reviewed_on=None)
    OrganisationFactory(name="Old Draft", status=Status.DRAFT, last_reviewed_on=None)
    assert list(Organisation.objects.due_for_review()) == [never, old]
    queue = admin_client.get(QUEUE).context["cl"].result_list
    assert list(queue) == [never, old]
    assert fresh not in queue
    act_on_queue = admin_client.post(
        QUEUE, {"action": "mark_reviewed_today", "_selected_action": [old.pk]}, follow=True
    )
    assert act_on_queue.status_code == 200
    assert list(Organisation.objects.due_for_review()) == [never]


def test_the_due_for_review_filter_on_the_listing_admin(admin_client, vocabulary):
    today = timezone.localdate()
    old = OrganisationFactory(name="Old", last_reviewed_on=today - timedelta(days=400))
    soon = OrganisationFactory(name="Soon", last_reviewed_on=today - timedelta(days=350))
    OrganisationFactory(name="Fresh", last_reviewed_on=today)
    due = admin_client.get(CHANGELIST, {"review": "due"}).context["cl"].result_list
    assert list(due) == [old]
    within_30 = admin_client.get(CHANGELIST, {"review": "soon"}).context["cl"].result_list
    assert set(within_30) == {old, soon}


def test_the_public_page_says_plainly_when_a_review_is_overdue(client, vocabulary):
    today = timezone.localdate()
    overdue = OrganisationFactory(last_reviewed_on=today - timedelta(days=400))
    current = OrganisationFactory(last_reviewed_on=today - timedelta(days=10))
    overdue_html = client.get(overdue.get_absolute_url()).content.decode()
    current_html = client.get(current.get_absolute_url()).content.decode()
    assert "Review overdue." in overdue_html
    assert "Review overdue." not in current_html
    due = (current.last_reviewed_on + timedelta(days=365)).strftime("%B %Y")
    assert f"next review due by {due}" in current_html


# What the public sees of vetting


def test_the_profile_shows_each_criterion_with_its_evidence_but_not_who_checked(
    client, curator, vocabulary
):
    organisation = OrganisationFactory(criteria_met=["long-standing"])
    organisation.assessments.update(note="Founded in 2000.", checked_by=curator)
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "How we vetted this listing" in html
    assert "Long-standing work" in html and "(required to be listed)" in html
    assert "Founded in 2000." in html
    assert f'href="https://{organisation.slug}.example.org/about"' in html
    for criterion in Criterion.objects.exclude(slug="long-standing"):
        assert criterion.name in html
    assert html.count("Not yet known") == 4
    assert curator.username not in html


def test_the_methodology_page_explains_every_criterion(client, settings, db):
    settings.MANDATORY_CRITERIA = ["long-standing", "registered"]
    response = client.get("/methodology/")
    html = response.content.decode()
    assert response.status_code == 200
    for criterion in Criterion.objects.all():
        assert criterion.name in html
        assert criterion.explanation in html
    assert html.count("(required to be listed)") == 2
    assert "every 12 months" in html


# The seeded directory


def test_seeded_listings_come_with_evidence_for_the_mandatory_criteria(db, seed_data):
    call_command("load_directory", verbosity=0)
    published = Organisation.objects.published()
    assert published.count() == sum(o["status"] == "published" for o in seed_data["organisations"])
    for organisation in published.prefetch_related("pillars", "sources", "assessments"):
        assert organisation.publication_problems() == [], organisation.slug


def test_reloading_the_seed_never_overwrites_a_curators_assessment(db):
    call_command("load_directory", verbosity=0)
    assessment = Assessment.objects.get(
        organisation__slug="stop-the-traffik", criterion__slug="long-standing"
    )
    assessment.note = "Checked against the charity register."
    assessment.save()
    call_command("load_directory", verbosity=0)
    assessment.refresh_from_db()
    assert assessment.note == "Checked against the charity register."


def test_a_seeded_listing_without_the_mandatory_evidence_is_loaded_in_review(settings, db):
    settings.MANDATORY_CRITERIA = ["long-standing", "registered"]
    call_command("load_directory", verbosity=0)
    assert Organisation.objects.get(slug="anti-slavery-international").is_published
    assert Organisation.objects.get(slug="stop-the-traffik").status == Status.REVIEW


def test_curators_handle_the_public_suggestions_and_corrections(curator_client):
    for queue in ["orgs_organisationsuggestion", "orgs_correction"]:
        assert curator_client.get(reverse(f"admin:{queue}_changelist")).status_code == 200
