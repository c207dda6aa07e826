"""The published directory as Open Referral's Human Services Data Specification (HSDS) 3.1:
JSON objects for the API (/api/v1/hsds/) and a Tabular Data Package (a zip of one CSV per
object plus datapackage.json) for /data/hsds-datapackage.zip.

How Pillars maps onto HSDS:
- each listing is an ``organization`` (its summary as the description, its public email,
  website, founding year, registration as an ``organization_identifier``, register entry as a
  ``url``, public phone as a ``phone``, headquarters country as a ``location`` without a street
  address, which Pillars does not publish) with one ``service``: its anti-trafficking work
  (the longer description, helpline as a ``phone``, donation/volunteering/helpline pages as
  ``url``s, countries of operation as ``service_area``s, languages as ``language``s);
- the four pillars, forms of exploitation, populations and the vetting criteria are each a
  ``taxonomy`` whose terms are ``taxonomy_term``s; an ``attribute`` applies a term to the
  service (pillars, forms, populations) or to the organisation (a criterion, its result as the
  value);
- ``metadata`` says when the listing was last changed and last reviewed, by "Pillars curators"
  (who, by name, is never published).

HSDS identifiers are UUIDs. Ours are UUID 5s of the listing's slug (which never changes) and
the object's role, so every export gives an object the same id (``ids``); a listing keeps its
organization's and service's in its row, to be found by them. Only published listings are
read (the caller passes ``Organisation.objects.published()``), and only public fields: this
module names every field it writes.
"""

import csv
import io
import json
import zipfile
from datetime import UTC
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from ..models import Criterion, ExploitationForm, Pillar, Population
from .ids import hsds_id, organization_id, service_id

HSDS_VERSION = "3.1"
SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"
UPDATED_BY = "Pillars curators"
DATA_LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


class Taxonomy:
    """One of our vocabularies as an HSDS taxonomy: its terms' slugs, names and descriptions."""

    def __init__(self, key, name, description, link_type, terms, link_entity="service"):
        """``terms``: ``(pk, slug, name, description)`` of each term."""
        self.key = key
        self.name = name
        self.description = description
        self.link_type = link_type
        self.link_entity = link_entity
        self.id = hsds_id("taxonomy", key)
        self.terms = {slug: (term_name, text) for _, slug, term_name, text in terms}
        self.slug_by_pk = {pk: slug for pk, slug, _, _ in terms}

    def as_hsds(self, base_url):
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "uri": base_url + reverse("opendata:api-vocabularies"),
            "version": "1",
        }

    def term(self, slug, base_url):
        name, description = self.terms[slug]
        term = {
            "id": hsds_id("taxonomy_term", self.key, slug),
            "code": slug,
            "name": name,
            # HSDS requires a description; a term without one is described by its name.
            "description": description or name,
            "taxonomy": self.name,
            "taxonomy_id": self.id,
            "language": "en",
        }
        if self.key == "pillars":
            term["term_uri"] = base_url + reverse("orgs:pillar", kwargs={"slug": slug})
        return term

    def all_terms(self, base_url):
        return [self.term(slug, base_url) for slug in self.terms]


def read_taxonomies():
    """Our vocabularies as HSDS taxonomies (four queries)."""

    def rows(model):
        return list(model.objects.values_list("pk", "slug", "name", "description"))

    return {
        "pillars": Taxonomy(
            "pillars",
            "Pillars of anti-trafficking work",
            "The four kinds of long-term work that end trafficking: intelligence, education, "
            "policy and recovery.",
            "pillar",
            rows(Pillar),
        ),
        "exploitation_forms": Taxonomy(
            "exploitation_forms",
            "Forms of exploitation",
            "The forms of exploitation an organisation's work addresses.",
            "exploitation_form",
            rows(ExploitationForm),
        ),
        "populations": Taxonomy(
            "populations",
            "Populations served",
            "The groups of people an organisation serves.",
            "population",
            rows(Population),
        ),
        "criteria": Taxonomy(
            "criteria",
            "Pillars vetting criteria",
            "The criteria every listing is assessed against (see /methodology/); an "
            "attribute's value is the result: met, not-met or unknown.",
            "vetting_criterion",
            list(Criterion.objects.values_list("pk", "slug", "name", "question")),
            link_entity="organization",
        ),
    }


class Exporter:
    """Builds HSDS objects for published organisations fetched with
    ``with_profile_relations()``, sharing the taxonomies read once."""

    def __init__(self, base_url, taxonomies=None):
        self.base_url = base_url
        self.taxonomies = taxonomies if taxonomies is not None else read_taxonomies()

    def _attribute(self, taxonomy_key, slug, link_id, value=None):
        taxonomy = self.taxonomies[taxonomy_key]
        term = taxonomy.term(slug, self.base_url)
        return {
            "id": hsds_id("attribute", link_id, taxonomy_key, slug),
            "link_id": link_id,
            "link_type": taxonomy.link_type,
            "link_entity": taxonomy.link_entity,
            "taxonomy_term_id": term["id"],
            "taxonomy_term": term,
            "value": value if value is not None else slug,
            "label": term["name"],
        }

    def _metadata(self, resource_id, resource_type, organisation):
        entries = [
            {
                "id": hsds_id("metadata", resource_id, "updated"),
                "resource_id": resource_id,
                "resource_type": resource_type,
                "last_action_date": organisation.updated_at.date().isoformat(),
                "last_action_type": "update",
                # Pillars publishes the current record, not its history: HSDS requires these,
                # and the tabular form requires them not to be empty.
                "field_name": "(any)",
                "previous_value": "(not published)",
                "replacement_value": "(this record)",
                "updated_by": UPDATED_BY,
            }
        ]
        if organisation.last_reviewed_on:
            entries.append(
                {
                    **entries[0],
                    "id": hsds_id("metadata", resource_id, "reviewed"),
                    "last_action_date": organisation.last_reviewed_on.isoformat(),
                    "last_action_type": "review",
                }
            )
        return entries

    def _url(self, owner_field, owner_id, role, label, url):
        return {
            "id": hsds_id("url", owner_id, role),
            "label": label,
            "url": url,
            owner_field: owner_id,
        }

    def organization(self, organisation):
        """The listing as an HSDS ``organization``, with its one-to-many objects nested."""
        slug = organisation.slug
        org_id = organization_id(slug)
        result = {
            "id": org_id,
            "name": organisation.name,
            "description": organisation.summary,
            "legal_status": organisation.get_organisation_type_display(),
            "uri": self.base_url + organisation.get_absolute_url(),
        }
        if organisation.email:
            result["email"] = organisation.email
        if organisation.website:
            result["website"] = organisation.website
        if organisation.founded:
            result["year_incorporated"] = organisation.founded
        result["additional_websites"] = (
            [
                self._url(
                    "organization_id",
                    org_id,
                    "register",
                    "Register entry",
                    organisation.registration_url,
                )
            ]
            if organisation.registration_url
            else []
        )
        result["phones"] = (
            [
                {
                    "id": hsds_id("phone", org_id, "public"),
                    "organization_id": org_id,
                    "number": organisation.phone,
                    "type": "voice",
                    "description": "Public phone",
                }
            ]
            if organisation.phone
            else []
        )
        result["locations"] = (
            [
                {
                    "id": hsds_id("location", org_id, "headquarters"),
                    "location_type": "physical",
                    "organization_id": org_id,
                    "name": f"{organisation.name}: headquarters",
                    "description": f"Headquartered in {organisation.hq_country.name} "
                    f"({organisation.hq_country.code}); Pillars does not publish street "
                    "addresses.",
                    "external_identifier": organisation.hq_country.code,
                    "external_identifier_type": "ISO 3166-1 alpha-2 country code",
                }
            ]
            if organisation.hq_country
            else []
        )
        result["organization_identifiers"] = (
            [
                {
                    "id": hsds_id("organization_identifier", org_id, "registration"),
                    "organization_id": org_id,
                    "identifier_type": organisation.registration_regulator or "Registration number",
                    "identifier": organisation.registration_number,
                }
            ]
            if organisation.registration_number
            else []
        )
        criteria = self.taxonomies["criteria"]
        result["attributes"] = [
            self._attribute("criteria", criterion, org_id, value=assessment.result)
            for criterion, assessment in self._assessments(organisation)
            if criterion in criteria.terms
        ]
        result["metadata"] = self._metadata(org_id, "organization", organisation)
        return result

    def _assessments(self, organisation):
        slug_of = self.taxonomies["criteria"].slug_by_pk
        return [
            (slug_of[assessment.criterion_id], assessment)
            for assessment in organisation.assessments.all()
        ]

    def service(self, organisation, with_organization=False):
        """The listing's work as an HSDS ``service`` of its organisation."""
        slug = organisation.slug
        svc_id = service_id(slug)
        result = {
            "id": svc_id,
            "organization_id": organization_id(slug),
            "name": organisation.name,
            "description": organisation.description or organisation.summary,
            "status": "active",
            "last_modified": organisation.updated_at.isoformat(),
        }
        if organisation.website:
            result["url"] = organisation.website
        if organisation.email:
            result["email"] = organisation.email
        pages = [
            ("donate", "Donation page", organisation.donate_url),
            ("volunteer", "Volunteering page", organisation.volunteer_url),
            ("helpline", organisation.helpline_name or "Helpline", organisation.helpline_url),
        ]
        result["additional_urls"] = [
            self._url("service_id", svc_id, role, label, url) for role, label, url in pages if url
        ]
        result["phones"] = (
            [
                {
                    "id": hsds_id("phone", svc_id, "helpline"),
                    "service_id": svc_id,
                    "number": organisation.helpline_phone,
                    "type": "voice",
                    "description": organisation.helpline_name or "Helpline",
                }
            ]
            if organisation.helpline_phone
            else []
        )
        result["service_areas"] = [
            {
                "id": hsds_id("service_area", svc_id, row.country.code),
                "service_id": svc_id,
                "name": row.country.name,
                "description": f"Works in {row.country.name} (ISO 3166-1 alpha-2 code "
                f"{row.country.code}).",
                "extent": row.country.code,
                "extent_type": "text",
            }
            for row in organisation.operating_countries.all()
        ]
        result["languages"] = [
            {
                "id": hsds_id("language", svc_id, language.code),
                "service_id": svc_id,
                "name": language.name,
                "code": language.code,
            }
            for language in organisation.languages.all()
        ]
        result["attributes"] = [
            self._attribute(key, term.slug, svc_id)
            for key, terms in [
                ("pillars", organisation.pillars.all()),
                ("exploitation_forms", organisation.exploitation_forms.all()),
                ("populations", organisation.populations.all()),
            ]
            for term in terms
            if term.slug in self.taxonomies[key].terms
        ]
        result["metadata"] = self._metadata(svc_id, "service", organisation)
        if with_organization:
            result["organization"] = self.organization(organisation)
        return result

    def taxonomy_list(self):
        return [taxonomy.as_hsds(self.base_url) for taxonomy in self.taxonomies.values()]

    def taxonomy_terms(self):
        return [
            term
            for taxonomy in self.taxonomies.values()
            for term in taxonomy.all_terms(self.base_url)
        ]


# Which HSDS object a nested array holds, to flatten JSON objects into the CSV tables.
NESTED = {
    "additional_websites": "url",
    "additional_urls": "url",
    "phones": "phone",
    "locations": "location",
    "organization_identifiers": "organization_identifier",
    "attributes": "attribute",
    "metadata": "metadata",
    "service_areas": "service_area",
    "languages": "language",
}


def official_datapackage():
    return json.loads((SCHEMA_DIR / "datapackage.json").read_text(encoding="utf-8"))


def tabular_rows(exporter, organisations):
    """``{resource name: {id: row}}`` for the published organisations, their services and the
    taxonomies, flattened as the HSDS Tabular Data Package lays them out."""
    tables = {}

    def add(resource, obj):
        tables.setdefault(resource, {})[obj["id"]] = obj
        for name, child in NESTED.items():
            for item in obj.get(name) or []:
                add(child, item)

    for taxonomy in exporter.taxonomy_list():
        add("taxonomy", taxonomy)
    for term in exporter.taxonomy_terms():
        add("taxonomy_term", term)
    for organisation in organisations:
        add("organization", exporter.organization(organisation))
        add("service", exporter.service(organisation))
    return tables


def datapackage_zip(exporter, organisations, *, title, homepage):
    """The HSDS Tabular Data Package as zip bytes: every resource of the official descriptor
    (empty tables keep only their header), and the descriptor with our name and licence."""
    organisations = list(organisations)
    tables = tabular_rows(exporter, organisations)
    # Dated by the newest change, not by now: the same directory gives the same bytes, so
    # the download's ETag holds until something changes.
    newest = max((o.updated_at for o in organisations), default=None)
    created = (newest or timezone.now()).astimezone(UTC).replace(microsecond=0)
    package = official_datapackage()
    package.update(
        {
            "name": "pillars-hsds",
            "title": title,
            "description": "The published listings of Pillars, a vetted directory of "
            "long-standing anti-trafficking organisations, as Open Referral HSDS "
            f"{HSDS_VERSION} tables.",
            "homepage": homepage,
            "version": HSDS_VERSION,
            "created": created.isoformat(),
            "licenses": [DATA_LICENCE],
            "sources": [
                {
                    "title": "HSDS table schemas: Open Referral, CC BY-SA 4.0",
                    "path": "https://github.com/openreferral/specification",
                }
            ],
        }
    )
    package.pop("license", None)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for resource in package["resources"]:
            fields = [field["name"] for field in resource["schema"]["fields"]]
            rows = tables.get(resource["name"], {}).values()
            archive.writestr(_entry(resource["path"], created), _csv(fields, rows))
        archive.writestr(
            _entry("datapackage.json", created), json.dumps(package, indent=2, ensure_ascii=False)
        )
    return buffer.getvalue()


def _entry(name, when):
    entry = zipfile.ZipInfo(name, date_time=max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0)))
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _csv(fields, rows):
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    if fields:
        writer.writerow(fields)
    for row in rows:
        writer.writerow(["" if row.get(field) is None else row.get(field, "") for field in fields])
    return stream.getvalue()
