"""The Open Referral HSDS 3.1 export: every object the API and the datapackage give validates
against the official JSON schemas (orgs/opendata/hsds_schema/, with format checks, so ids
must be UUIDs), ids are stable, the tables hold together, and nothing unpublished is in it."""

import csv
import io
import json
import zipfile
from functools import cache

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from orgs.models import Organisation
from orgs.opendata import hsds

from .conftest import HIDDEN_SLUGS, SECRET_CURATOR, SECRET_SENDER

pytestmark = pytest.mark.django_db

# Which schema each nested array's items follow (the object schemas say the same by $ref;
# checking each item on its own also names the object that fails).
NESTED_SCHEMAS = hsds.NESTED


@cache
def registry():
    def retrieve(uri):
        return Resource.from_contents(
            json.loads((hsds.SCHEMA_DIR / uri).read_text(encoding="utf-8")),
            default_specification=DRAFT202012,
        )

    return Registry(retrieve=retrieve)


@cache
def validator(name):
    schema = json.loads((hsds.SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry(), format_checker=FormatChecker())


def problems(name, obj):
    """Every way ``obj`` breaks the HSDS schema ``name``, its nested objects included."""
    found = [
        f"{name} {obj.get('id')}: {error.message}" for error in validator(name).iter_errors(obj)
    ]
    for key, child in NESTED_SCHEMAS.items():
        for item in obj.get(key) or []:
            found += problems(child, item)
    for key, child in [("taxonomy_term", "taxonomy_term"), ("organization", "organization")]:
        if isinstance(obj.get(key), dict):
            found += problems(child, obj[key])
    return found


def every_page(client, url):
    items, page = [], 1
    while True:
        data = client.get(f"{url}?page={page}&per_page=1").json()
        items += data["contents"]
        if data["last_page"]:
            return items
        page += 1


def test_the_schemas_reject_what_hsds_forbids():
    """The check is real: a non-UUID id and a missing description are both caught."""
    errors = problems("organization", {"id": "not-a-uuid", "name": "X"})
    assert any("uuid" in error for error in errors)
    assert any("description" in error for error in errors)


@pytest.mark.parametrize(
    ("url", "schema"),
    [
        ("/api/v1/hsds/organizations/", "organization"),
        ("/api/v1/hsds/services/", "service"),
        ("/api/v1/hsds/taxonomies/", "taxonomy"),
        ("/api/v1/hsds/taxonomy_terms/", "taxonomy_term"),
    ],
)
def test_every_hsds_object_of_the_api_validates(client, open_directory, url, schema):
    items = every_page(client, url)
    assert items
    for item in items:
        assert problems(schema, item) == []
        one = client.get(f"{url}{item['id']}/")
        assert one.status_code == 200
        assert problems(schema, one.json()) == []


def test_a_listing_becomes_an_organization_with_a_service_and_its_terms(client, open_directory):
    org_id = hsds.organization_id("harbour-trust")
    organization = client.get(f"/api/v1/hsds/organizations/{org_id}/").json()
    assert organization["name"] == "Harbour Trust"
    assert organization["year_incorporated"] == 1995
    assert organization["organization_identifiers"][0]["identifier"] == "1234567"
    assert organization["phones"][0]["number"] == "+44 117 496 0000"
    assert organization["locations"][0]["external_identifier"] == "GB"
    vetting = {a["taxonomy_term"]["code"]: a["value"] for a in organization["attributes"]}
    assert vetting["registered"] == "met"
    service = client.get(f"/api/v1/hsds/services/{hsds.service_id('harbour-trust')}/").json()
    assert service["organization_id"] == org_id
    assert service["organization"]["id"] == org_id
    assert {area["extent"] for area in service["service_areas"]} == {"GB", "IE"}
    pillars = {
        a["taxonomy_term"]["code"] for a in service["attributes"] if a["link_type"] == "pillar"
    }
    assert pillars == {"recovery", "education"}
    assert {url["label"] for url in service["additional_urls"]} >= {"Donation page", "Harbour line"}
    assert service["phones"][0]["number"] == "0800 000 0000"


def test_hsds_ids_are_the_same_at_every_export(client, open_directory):
    first = every_page(client, "/api/v1/hsds/services/")
    second = every_page(client, "/api/v1/hsds/services/")
    assert [s["id"] for s in first] == [s["id"] for s in second]
    assert {s["id"] for s in first} == {
        hsds.service_id("beacon-network"),
        hsds.service_id("harbour-trust"),
    }


def test_a_listing_added_by_any_path_is_found_by_its_hsds_ids(client, open_directory, tmp_path):
    """The ids are kept in each listing's row: one added one at a time, by the synthetic
    generator and by a CSV import (both in bulk) can each be fetched by them."""
    call_command("generate_synthetic_orgs", "--count", "2", stdout=io.StringIO())
    path = tmp_path / "listings.csv"
    path.write_text("slug,name,summary,status\r\nimported-one,Imported One,Support.,draft\r\n")
    call_command("import_orgs", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    Organisation.objects.filter(slug="imported-one").update(status="published")
    slugs = [
        "harbour-trust",
        "imported-one",
        *Organisation.objects.filter(slug__startswith="synthetic-").values_list("slug", flat=True),
    ]
    assert len(slugs) == 4
    for slug in slugs:
        organization = client.get(f"/api/v1/hsds/organizations/{hsds.organization_id(slug)}/")
        service = client.get(f"/api/v1/hsds/services/{hsds.service_id(slug)}/")
        assert organization.status_code == service.status_code == 200, slug
        assert organization.json()["uri"].endswith(f"/organisations/{slug}/")
        assert service.json()["organization"]["id"] == hsds.organization_id(slug)


@pytest.mark.parametrize("slug", HIDDEN_SLUGS)
def test_an_unpublished_listing_has_no_hsds_object(client, open_directory, slug):
    for url in [
        f"/api/v1/hsds/organizations/{hsds.organization_id(slug)}/",
        f"/api/v1/hsds/services/{hsds.service_id(slug)}/",
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["detail"]


def read_package(client):
    response = client.get("/data/hsds-datapackage.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    package = json.loads(archive.read("datapackage.json"))
    tables = {}
    for resource in package["resources"]:
        text = archive.read(resource["path"]).decode("utf-8")
        tables[resource["name"]] = list(csv.DictReader(io.StringIO(text)))
    return package, tables, archive


def typed(resource, row):
    """A CSV row as the JSON object it stands for: numbers as numbers, empty cells left out
    (a CSV cannot tell an empty text from none) unless the field is required."""
    fields = {field["name"]: field for field in resource["schema"]["fields"]}
    types = {name: field["type"] for name, field in fields.items()}
    obj = {}
    for name, value in row.items():
        if value == "" and not fields[name].get("constraints", {}).get("required"):
            continue
        obj[name] = float(value) if types.get(name) in {"number", "integer"} else value
    return obj


def test_the_datapackage_has_every_hsds_table_and_every_row_validates(client, open_directory):
    package, tables, archive = read_package(client)
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    official = {r["name"]: r for r in hsds.official_datapackage()["resources"]}
    assert {r["name"] for r in package["resources"]} == set(official)
    for resource in package["resources"]:
        # Every table has the official header (the one table without fields, none).
        fields = [f["name"] for f in resource["schema"]["fields"]]
        lines = archive.read(resource["path"]).decode("utf-8").splitlines()
        assert lines[:1] == ([",".join(fields)] if fields else [])
    for name in [
        "organization",
        "service",
        "location",
        "phone",
        "url",
        "taxonomy",
        "taxonomy_term",
        "attribute",
        "metadata",
    ]:
        assert tables[name], f"no {name} rows"
        resource = next(r for r in package["resources"] if r["name"] == name)
        for row in tables[name]:
            obj = typed(resource, row)
            assert problems(name, obj) == []
            required = [
                f["name"]
                for f in resource["schema"]["fields"]
                if f.get("constraints", {}).get("required")
            ]
            assert all(row[field] for field in required), (name, row)


def test_the_datapackage_tables_refer_only_to_rows_that_exist(client, open_directory):
    _, tables, _ = read_package(client)
    ids = {name: {row["id"] for row in rows} for name, rows in tables.items() if rows}
    for name, rows in tables.items():
        for row in rows:
            for field, target in [
                ("organization_id", "organization"),
                ("service_id", "service"),
                ("location_id", "location"),
                ("taxonomy_id", "taxonomy"),
                ("taxonomy_term_id", "taxonomy_term"),
            ]:
                if row.get(field):
                    assert row[field] in ids[target], (name, field, row)
    link_targets = {"organization": ids["organization"], "service": ids["service"]}
    for row in tables["attribute"]:
        assert row["link_id"] in link_targets[row["link_entity"]]
    for row in tables["metadata"]:
        assert row["resource_id"] in ids[row["resource_type"]]


def test_the_datapackage_holds_only_published_listings_and_no_curator_data(client, open_directory):
    _, tables, archive = read_package(client)
    assert {row["name"] for row in tables["organization"]} == {"Harbour Trust", "Beacon Network"}
    text = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    for secret in [SECRET_CURATOR, SECRET_SENDER, *HIDDEN_SLUGS, "Hidden Draft"]:
        assert secret not in text
    assert "Pillars curators" in text  # who updated: the team, never a person
