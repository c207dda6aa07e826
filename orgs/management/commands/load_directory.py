"""Load the seeded directory (orgs/data/directory.json) into the database, idempotently.

- A listing that is not in the database yet is created.
- A listing the loader wrote before and nobody has touched since is brought up to date with
  the file.
- A listing a curator has edited (or archived) since the last load is left exactly as the
  curator left it.
- Vetting assessments in the file are added where the listing has none for that criterion;
  an existing one is updated only if the loader wrote it and nobody has changed it since (a
  curator's or an import's assessment is never overwritten). A record marked published that
  does not meet the mandatory criteria (settings.MANDATORY_CRITERIA) is loaded "in review".
- Vocabularies (pillars, forms of exploitation, populations, languages) are created when
  missing and never overwritten.
Every record is validated before anything is written; one bad record writes nothing.
"""

import hashlib
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django_countries import countries

from orgs import caching
from orgs.models import (
    SCALAR_FIELDS,
    Assessment,
    Criterion,
    ExploitationForm,
    Language,
    OperatingCountry,
    Organisation,
    Pillar,
    Population,
    Source,
)

REASON = "Loaded from the seeded directory"
# What the file says of an assessment (who checked it is never in the file).
ASSESSMENT_FIELDS = ["result", "evidence_url", "note", "curator_note", "checked_on"]
DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "directory.json"

VOCABULARIES = [
    ("pillars", Pillar, "slug"),
    ("exploitation_forms", ExploitationForm, "slug"),
    ("populations", Population, "slug"),
    ("languages", Language, "code"),
]


def fingerprint(snapshot):
    # Fields added since a listing was first loaded are left out while empty, so a listing
    # loaded before they existed still has the fingerprint the loader stored for it, and
    # stays "untouched" rather than looking edited by a curator.
    legacy = {**snapshot, "sources": [source_key(source) for source in snapshot["sources"]]}
    if not legacy.get("curator_note"):
        legacy.pop("curator_note", None)
    return hashlib.sha256(json.dumps(legacy, sort_keys=True).encode()).hexdigest()


def source_key(source):
    """``[url, supports, kind, title]`` without its empty ending: ``[url, supports]`` for a
    source with neither kind nor title, as sources were before they had them."""
    source = list(source)
    while len(source) > 2 and not source[-1]:
        source.pop()
    return source


def snapshot_of(record):
    """The seeded record in the same shape as ``Organisation.snapshot()``."""
    registration = record.get("registration") or {}
    helpline = record.get("helpline") or {}
    values = {
        "name": record["name"],
        "summary": record["summary"],
        "description": record.get("description", ""),
        "tags": ", ".join(record.get("tags", [])),
        "website": record.get("website", ""),
        "donate_url": record.get("donate_url", ""),
        "volunteer_url": record.get("volunteer_url", ""),
        "founded": record.get("founded"),
        "organisation_type": record.get("type", "charity-ngo"),
        "registration_regulator": registration.get("regulator", ""),
        "registration_number": registration.get("number", ""),
        "registration_url": registration.get("url", ""),
        "email": record.get("email", ""),
        "phone": record.get("phone", ""),
        "helpline_name": helpline.get("name", ""),
        "helpline_phone": helpline.get("phone", ""),
        "helpline_url": helpline.get("url", ""),
        "status": record.get("status", Organisation.Status.PUBLISHED),
        "curator_note": record.get("curator_note", ""),
    }
    assert set(values) == set(SCALAR_FIELDS)
    return {
        **values,
        "hq_country": record.get("hq_country", ""),
        "last_reviewed_on": record.get("last_reviewed_on"),
        "pillars": sorted(record.get("pillars", [])),
        "exploitation_forms": sorted(record.get("exploitation", [])),
        "populations": sorted(record.get("populations", [])),
        "languages": sorted(record.get("languages", [])),
        "countries": sorted(record.get("countries", [])),
        "sources": [
            [source["url"], source["supports"], source.get("kind", ""), source.get("title", "")]
            for source in record.get("sources", [])
        ],
    }


class Command(BaseCommand):
    help = "Load the seeded directory idempotently, never overwriting a curator's edit."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="JSON file to load.")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error

        with transaction.atomic():
            created_terms = self.load_vocabularies(data)
            records = data.get("organisations", [])
            snapshots, problems = self.validate(records)
            assessments, more_problems = self.validate_assessments(records)
            problems += more_problems
            if problems:
                raise CommandError("Nothing was loaded:\n" + "\n".join(problems))
            held_back = self.hold_back_unvetted(snapshots, assessments)
            counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
            written = {"created": [], "updated": []}
            for slug, snapshot in snapshots:
                outcome, organisation = self.load_organisation(slug, snapshot)
                counts[outcome] += 1
                if outcome in written:
                    written[outcome].append(organisation)
                if outcome != "kept":
                    self.load_assessments(organisation, assessments[slug])
            Organisation.record_history(**written, reason=REASON, date=timezone.now())
            # Countries and sources are written in bulk, without signals.
            caching.changed()
        for slug in held_back:
            self.stderr.write(
                f"{slug}: marked published in the file but the mandatory criteria are not all "
                "met with evidence; loaded in review."
            )

        self.stdout.write(
            f"{len(snapshots)} organisations in {path.name}: {counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{counts['kept']} kept as curators left them; {created_terms} vocabulary terms added."
        )

    def load_vocabularies(self, data):
        created = 0
        for key, model, field in VOCABULARIES:
            for position, entry in enumerate(data.get(key, [])):
                defaults = {k: v for k, v in entry.items() if k != field}
                if model is not Language:
                    defaults.setdefault("position", position)
                _, was_created = model.objects.get_or_create(
                    **{field: entry[field]}, defaults=defaults
                )
                created += was_created
        return created

    def validate(self, records):
        known = {
            "pillars": set(Pillar.objects.values_list("slug", flat=True)),
            "exploitation_forms": set(ExploitationForm.objects.values_list("slug", flat=True)),
            "populations": set(Population.objects.values_list("slug", flat=True)),
            "languages": set(Language.objects.values_list("code", flat=True)),
            "countries": {code for code, _ in countries},
        }
        snapshots, problems, seen = [], [], set()
        for number, record in enumerate(records, start=1):
            slug = record.get("slug", "")
            where = f"record {number} ({slug or 'no slug'})"
            try:
                snapshot = snapshot_of(record)
            except (KeyError, TypeError) as error:
                problems.append(f"{where}: missing or malformed field {error}")
                continue
            if not slug:
                problems.append(f"{where}: every record needs a slug")
            elif slug in seen:
                problems.append(f"{where}: the slug appears twice")
            seen.add(slug)
            for key, allowed in known.items():
                unknown = set(snapshot[key]) - allowed
                if unknown:
                    problems.append(f"{where}: unknown {key}: {', '.join(sorted(unknown))}")
            if snapshot["hq_country"] and snapshot["hq_country"] not in known["countries"]:
                problems.append(f"{where}: unknown hq_country {snapshot['hq_country']}")
            if not snapshot["sources"]:
                problems.append(f"{where}: every record needs at least one source")
            candidate = Organisation(
                slug=slug,
                hq_country=snapshot["hq_country"],
                last_reviewed_on=snapshot["last_reviewed_on"],
                **{field: snapshot[field] for field in SCALAR_FIELDS},
            )
            try:
                # The models' check constraints repeat what their fields' choices and
                # validators already check; validating them runs a query each (thousands).
                candidate.full_clean(validate_unique=False, validate_constraints=False)
                for url, supports, kind, title in snapshot["sources"]:
                    Source(url=url, supports=supports, kind=kind, title=title).full_clean(
                        exclude=["organisation"], validate_constraints=False
                    )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    problems.append(f"{where}: {field}: {' '.join(messages)}")
            snapshots.append((slug, snapshot))
        return snapshots, problems

    def validate_assessments(self, records):
        criteria = {criterion.slug: criterion for criterion in Criterion.objects.all()}
        assessments, problems = {}, []
        for number, record in enumerate(records, start=1):
            where = f"record {number} ({record.get('slug') or 'no slug'})"
            found = assessments[record.get("slug", "")] = []
            entries = record.get("criteria") or {}
            if not isinstance(entries, dict):
                problems.append(f"{where}: criteria must map criterion slugs to assessments")
                continue
            for slug, entry in entries.items():
                if slug not in criteria:
                    problems.append(f"{where}: unknown criterion {slug}")
                    continue
                try:
                    assessment = Assessment(criterion=criteria[slug], **entry)
                    assessment.full_clean(
                        exclude=["organisation"], validate_unique=False, validate_constraints=False
                    )
                except (TypeError, ValueError) as error:
                    problems.append(f"{where}: criterion {slug}: {error}")
                except ValidationError as error:
                    for field, messages in error.message_dict.items():
                        problems.append(f"{where}: criterion {slug}: {field}: {' '.join(messages)}")
                else:
                    found.append(assessment)
        return assessments, problems

    def hold_back_unvetted(self, snapshots, assessments):
        """Records marked published that fail the mandatory criteria are loaded in review."""
        mandatory = {criterion.pk for criterion in Criterion.objects.mandatory()}
        held_back = []
        for slug, snapshot in snapshots:
            met = {a.criterion_id for a in assessments[slug] if a.is_met}
            if snapshot["status"] == Organisation.Status.PUBLISHED and not mandatory <= met:
                snapshot["status"] = Organisation.Status.REVIEW
                held_back.append(slug)
        return held_back

    def load_assessments(self, organisation, assessments):
        """Add the file's assessments the listing lacks, and bring up to date those whose
        last change was this loader's (no one has edited them since); never touch one a
        curator or an import changed."""
        last = Assessment.history.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
        present = {
            assessment.criterion_id: assessment
            for assessment in organisation.assessments.annotate(
                last_reason=Subquery(last.values("history_change_reason")[:1]),
                last_user=Subquery(last.values("history_user_id")[:1]),
            )
        }
        for assessment in assessments:
            current = present.get(assessment.criterion_id)
            if current is None:
                assessment.organisation = organisation
                assessment._change_reason = REASON
                assessment.save()
            elif current.last_reason == REASON and current.last_user is None:
                changed = [
                    name
                    for name in ASSESSMENT_FIELDS
                    if getattr(current, name) != getattr(assessment, name)
                ]
                if changed:
                    for name in changed:
                        setattr(current, name, getattr(assessment, name))
                    current._change_reason = REASON
                    current.save(update_fields=changed)

    def load_organisation(self, slug, snapshot):
        wanted = fingerprint(snapshot)
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            organisation = Organisation(slug=slug)
            outcome = "created"
        elif fingerprint(organisation.snapshot()) != organisation.seed_fingerprint:
            return "kept", organisation
        elif organisation.seed_fingerprint == wanted:
            return "unchanged", organisation
        else:
            outcome = "updated"

        for field in SCALAR_FIELDS:
            setattr(organisation, field, snapshot[field])
        organisation.hq_country = snapshot["hq_country"]
        organisation.last_reviewed_on = snapshot["last_reviewed_on"]
        organisation.seed_fingerprint = wanted
        # One historical record per listing and load, with its lists (Organisation.record_history,
        # in handle), rather than one for the save and one more for each list set here.
        organisation.skip_history_when_saving = True
        try:
            organisation.save()
            organisation.pillars.set(Pillar.objects.filter(slug__in=snapshot["pillars"]))
            organisation.exploitation_forms.set(
                ExploitationForm.objects.filter(slug__in=snapshot["exploitation_forms"])
            )
            organisation.populations.set(
                Population.objects.filter(slug__in=snapshot["populations"])
            )
            organisation.languages.set(Language.objects.filter(code__in=snapshot["languages"]))
        finally:
            del organisation.skip_history_when_saving
        organisation.operating_countries.all().delete()
        OperatingCountry.objects.bulk_create(
            OperatingCountry(organisation=organisation, country=code)
            for code in snapshot["countries"]
        )
        organisation.sources.all().delete()
        Source.objects.bulk_create(
            Source(organisation=organisation, url=url, supports=supports, kind=kind, title=title)
            for url, supports, kind, title in snapshot["sources"]
        )
        return outcome, organisation
