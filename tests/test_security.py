"""Holes found by trying the site as an attacker would (issue 12), each closed and kept closed."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["①①", "²²", "12", "٣٣", "g1", "ǅǅ"])
def test_a_country_page_answers_only_to_two_letters(client, organisation, code):
    response = client.get(f"/countries/{code}/")
    assert response.status_code == 404


def test_a_country_page_has_one_address(client, organisation):
    assert client.get("/countries/dz/").status_code == 200
    assert client.get("/countries/012/").status_code == 404


def test_repeated_filter_values_count_once(client, organisation):
    query = "&".join(["country=GB", "pillar=recovery"] * 150)
    response = client.get(f"/organisations/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Harbour Trust" in page
    # One chip per value, and the link that removes one carries the other value once.
    assert page.count("Remove filter Works in: United Kingdom") == 1
    assert page.count("Remove filter Pillar: Recovery") == 1
    assert len(response.content) < 100_000


def test_too_many_values_for_one_filter_are_reported_not_multiplied(client, organisation):
    from django_countries import countries

    codes = [code for code, _ in countries][:60]
    response = client.get("/organisations/?" + "&".join(f"country={c}" for c in codes))
    assert response.status_code == 200
    assert "Works in: Choose at most 20. This part of your search was ignored." in (
        response.content.decode()
    )
    assert len(response.content) < 150_000


def test_reverting_to_a_past_version_never_restores_its_status(client, curator, organisation):
    """A curator reverting an archived listing to a version from when it was published gets
    the old content back, and the listing stays archived: only an editor publishes."""
    from django.urls import reverse

    from orgs.models import Organisation

    from .factories import change_data

    published_version = organisation.history.latest()
    organisation.status = Organisation.Status.ARCHIVED
    organisation.name = "Harbour Trust (closed)"
    organisation.save()

    client.force_login(curator)
    revert_url = reverse(
        "admin:orgs_organisation_simple_history",
        args=[organisation.pk, published_version.history_id],
    )
    form = client.get(revert_url).context["adminform"].form
    data = change_data(organisation, name=form.initial["name"], pillars=form.initial["pillars"])
    assert client.post(revert_url, data).status_code == 302

    organisation.refresh_from_db()
    assert organisation.name == "Harbour Trust"
    assert organisation.status == Organisation.Status.ARCHIVED
    assert client.get("/organisations/harbour-trust/").status_code == 404
    latest = organisation.history.latest()
    assert latest.history_change_reason.startswith("Reverted to the version of")
    assert "status kept: Archived" in latest.history_change_reason
