"""/data/organisations.csv: the published listings in the curators' CSV format
(docs/csv-format.md), with only the columns the public may see.

The columns are an allow-list, not the curators' columns minus a deny-list: a column added to
the curators' format later (a curator's note, say) stays out of the public file until someone
decides it is public and adds it here. The vetting cell is written from each assessment's
public fields only (criterion, result, date checked, evidence, public note), never from
whatever the curators' export may add to it. Links found dead are left out, as on profiles
(the caller passes listings through ``LinkCheck.objects.withhold_from()``)."""

import csv

from ..csv_format import COLUMNS, escape_formula, format_criteria, format_sources, join_list
from ..csv_import import TEXT_COLUMNS as CURATOR_TEXT_COLUMNS

# The curators' columns the public file keeps, in the curators' order. ``status`` is left out:
# every listing in it is published, and where a listing is in curation is the curators' business.
PUBLIC_COLUMNS = [
    "slug",
    "name",
    "last_reviewed_on",
    "summary",
    "description",
    "tags",
    "pillars",
    "exploitation_forms",
    "populations",
    "organisation_type",
    "founded",
    "hq_country",
    "countries",
    "languages",
    "website",
    "donate_url",
    "volunteer_url",
    "registration_regulator",
    "registration_number",
    "registration_url",
    "email",
    "phone",
    "helpline_name",
    "helpline_phone",
    "helpline_url",
    "sources",
    "criteria",
]
# Cells that are the listing's field of the same name, as it is (the curators' text columns
# this file keeps).
TEXT_COLUMNS = [column for column in CURATOR_TEXT_COLUMNS if column in PUBLIC_COLUMNS]
assert set(PUBLIC_COLUMNS) <= set(COLUMNS), "the public columns are the curators' columns"


def public_cells(organisation, criterion_slugs):
    """One published listing's public cells, in ``PUBLIC_COLUMNS`` order. Reads the
    relations ``with_csv_relations()`` prefetches; ``criterion_slugs``: ``{pk: (position,
    slug)}`` of every criterion."""
    scalar = {
        "slug": organisation.slug,
        "last_reviewed_on": organisation.last_reviewed_on.isoformat()
        if organisation.last_reviewed_on
        else "",
        "founded": "" if organisation.founded is None else str(organisation.founded),
        "hq_country": organisation.hq_country.code or "",
        **{field: getattr(organisation, field) for field in TEXT_COLUMNS},
    }
    lists = {
        "pillars": [p.slug for p in organisation.pillars.all()],
        "exploitation_forms": [f.slug for f in organisation.exploitation_forms.all()],
        "populations": [p.slug for p in organisation.populations.all()],
        "languages": [language.code for language in organisation.languages.all()],
        "countries": [row.country.code for row in organisation.operating_countries.all()],
    }
    assessments = sorted(
        (
            criterion_slugs[a.criterion_id],
            [
                criterion_slugs[a.criterion_id][1],
                a.result,
                a.checked_on.isoformat() if a.checked_on else None,
                a.evidence_url,
                a.note,
                "",  # the curator's note is never published
            ],
        )
        for a in organisation.assessments.all()
    )
    values = {
        **scalar,
        **{column: join_list(items) for column, items in lists.items()},
        "sources": format_sources(
            [[s.url, s.supports, s.kind, s.title] for s in organisation.shown_sources]
        ),
        "criteria": format_criteria([line for _, line in assessments]),
    }
    return [escape_formula(values[column]) for column in PUBLIC_COLUMNS]


def write_public_csv(organisations, criterion_slugs, stream):
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(PUBLIC_COLUMNS)
    for organisation in organisations:
        writer.writerow(public_cells(organisation, criterion_slugs))
