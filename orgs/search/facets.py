"""Every facet counted in one statement. The organisations under the filters that are not
facets (published, the search, years active) are found once, with the facet keys of their
search documents (written by documents.py) read through the same query, as a materialised
common table expression, and each facet is grouped from it.

A facet counts the organisations that pass every *other* facet's selection, so the choices
of a facet keep the counts they would add (OR within a facet, AND across facets). Rows that
fail two selections count nowhere and are dropped before grouping. The rows that pass every
selection are the results: their number comes from the same statement, so the listing needs
no count query of its own (on PostgreSQL that would run the text match once more). The rows
are kept until the directory changes (cache.py).
"""

from django.db.models.functions import Coalesce

from .documents import MASK_BITS

# Facets stored as bit masks of term ids: (mask column, relation, term column).
TERM_FACETS = {
    "pillar": ("pillar_mask", "orgs_organisation_pillars", "pillar_id"),
    "exploitation": (
        "exploitation_form_mask",
        "orgs_organisation_exploitation_forms",
        "exploitationform_id",
    ),
    "population": ("population_mask", "orgs_organisation_populations", "population_id"),
}
# Facets with one value per organisation, copied onto the document.
VALUE_FACETS = {"type": "organisation_type", "hq": "hq_country"}
COUNTRIES = "orgs_operatingcountry"


def _placeholders(values):
    return ", ".join(["%s"] * len(values))


def _condition(facet, values, term_ids):
    """SQL (on ``d``, a search document) for 'passes this facet's selection', with params."""
    if facet in TERM_FACETS:
        column, relation, term = TERM_FACETS[facet]
        ids = [term_ids[facet][value] for value in values]
        if max(ids) <= MASK_BITS:
            return f"(d.{column} & %s) <> 0", [sum(1 << i for i in ids)]
        return (
            f"EXISTS (SELECT 1 FROM {relation} x WHERE x.organisation_id = d.id "
            f"AND x.{term} IN ({_placeholders(ids)}))",
            ids,
        )
    if facet in VALUE_FACETS:
        return f"d.{VALUE_FACETS[facet]} IN ({_placeholders(values)})", list(values)
    return (
        f"EXISTS (SELECT 1 FROM {COUNTRIES} c WHERE c.organisation_id = d.id "
        f"AND c.country IN ({_placeholders(values)}))",
        list(values),
    )


def _joined(table, where):
    # CROSS JOIN keeps SQLite from scanning the whole relation and looking each row up in
    # ``m``: it must walk ``m`` (usually much the smaller) and use the relation's index.
    join = f"{table}.organisation_id = m.id"
    return f"{where} AND {join}" if where else f" WHERE {join}"


def _grouping(facet, others, term_ids):
    """One SELECT of (facet, key, count) over ``m``: a mask, an id, or a value per group."""
    where = f" WHERE {' AND '.join(others)}" if others else ""
    if facet in TERM_FACETS:
        column, relation, term = TERM_FACETS[facet]
        if max(term_ids[facet].values(), default=0) <= MASK_BITS:
            return (
                f"SELECT '{facet}', CAST(m.{column} AS text), count(*) FROM m{where} "
                f"GROUP BY m.{column}"
            )
        # A term id too large for a bit: count through the relation instead.
        return (
            f"SELECT '{facet}', CAST(x.{term} AS text), count(*) FROM m "
            f"CROSS JOIN {relation} x{_joined('x', where)} GROUP BY x.{term}"
        )
    if facet in VALUE_FACETS:
        column = VALUE_FACETS[facet]
        return f"SELECT '{facet}', m.{column}, count(*) FROM m{where} GROUP BY m.{column}"
    return (
        f"SELECT '{facet}', c.country, count(*) FROM m "
        f"CROSS JOIN {COUNTRIES} c{_joined('c', where)} GROUP BY c.country"
    )


def count(base, selected, term_ids, cache):
    """``({facet: {value: count}}, results)`` for the pillar, exploitation, population, type,
    hq and country facets, and the number of organisations passing every selection.
    ``base``: the organisations under every filter that is not a facet; ``selected``: each
    facet's chosen values (a list; no key when nothing is chosen); ``term_ids``:
    ``{facet: {slug: id}}`` for the term facets; ``cache``: the request's
    ``cache.Results``, which runs the statement or finds its rows."""
    facets = [*TERM_FACETS, *VALUE_FACETS, "country"]
    # (A listing whose document is not written yet counts under no term.)
    masks = {c: Coalesce(f"search_document__{c}", 0) for c, _, _ in TERM_FACETS.values()}
    rows = base.order_by().values("id", *VALUE_FACETS.values(), **masks)
    base_sql, params = rows.query.get_compiler(using=base.db).as_sql()
    flags, flag_params = [], []
    for facet in selected:
        sql, condition_params = _condition(facet, selected[facet], term_ids)
        flags.append(f", {sql} AS ok_{facet}")
        flag_params += condition_params
    rows = f"SELECT d.*{''.join(flags)} FROM ({base_sql}) d"
    if len(selected) > 1:
        failed = " + ".join(f"CASE WHEN ok_{facet} THEN 0 ELSE 1 END" for facet in selected)
        rows = f"SELECT * FROM ({rows}) f WHERE {failed} <= 1"
    groupings = " UNION ALL ".join(
        _grouping(facet, [f"m.ok_{other}" for other in selected if other != facet], term_ids)
        for facet in facets
    )
    passing = f" WHERE {' AND '.join(f'm.ok_{facet}' for facet in selected)}" if selected else ""
    total = f"SELECT '', '', count(*) FROM m{passing}"
    sql = f"WITH m AS MATERIALIZED ({rows}) {groupings} UNION ALL {total}"
    result = cache.rows(sql, [*flag_params, *params])
    counts = {facet: {} for facet in facets}
    slugs = {facet: {i: slug for slug, i in ids.items()} for facet, ids in term_ids.items()}
    results = 0
    for facet, key, number in result:
        if not facet:
            results = number
            continue
        if facet not in TERM_FACETS:
            counts[facet][key] = number
            continue
        if max(term_ids[facet].values(), default=0) <= MASK_BITS:
            found = [i for i in slugs[facet] if int(key) >> i & 1]
        else:
            found = [int(key)] if int(key) in slugs[facet] else []
        for i in found:
            counts[facet][slugs[facet][i]] = counts[facet].get(slugs[facet][i], 0) + number
    return counts, results
