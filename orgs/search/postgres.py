"""Search on PostgreSQL: a weighted tsvector (a generated column of the search documents,
GIN-indexed) with an accent-insensitive English configuration, ranked by ts_rank_cd; names
are also matched by trigram similarity, so a misspelt name still finds its organisation."""

from django.db.models import FloatField
from django.db.models.expressions import RawSQL

from .query import fold
from .schema import DOCUMENT

CONFIG = "pillars"
# How many of the best matches by ts_rank are ranked again by ts_rank_cd (see ranked()), and
# what lifts them above the rest (more than any ts_rank, far less than a name match).
CANDIDATES = 200
CANDIDATE_BONUS = 1000
# The organisations whose name is close to the words typed (trigram index; one parameter).
NAME_MATCHES = f"SELECT organisation_id FROM {DOCUMENT} WHERE lower(%s) <%% lower(name)"


def _tsquery(query):
    """The tsquery SQL for ``query`` and its parameters; every term is a bound parameter."""
    params = []

    def phrase(p):
        params.append(p.text)
        function = "phraseto_tsquery" if p.exact else "plainto_tsquery"
        return f"{function}('{CONFIG}', %s)"

    parts = ["(" + " || ".join(phrase(a) for a in g.alternatives) + ")" for g in query.groups]
    if query.excluded:
        parts.append("!!(" + " || ".join(phrase(p) for p in query.excluded) + ")")
    return " && ".join(parts), params


def _typed_name(query):
    """The words as typed, to compare with names by similarity; plain queries only."""
    if query.excluded:
        return None
    return " ".join(fold(word) for word in query.typed_words) or None


def match_sql(query):
    """A self-contained SELECT of the matching organisation ids (safe inside any subquery).
    A UNION, not an OR, so each half uses its own index (GIN tsvector, GIN trigram)."""
    tsquery, params = _tsquery(query)
    sql = f"SELECT organisation_id FROM {DOCUMENT} WHERE search_vector @@ ({tsquery})"
    name = _typed_name(query)
    if name:
        sql += f" UNION {NAME_MATCHES}"
        params = [*params, name]
    return sql, params


def ranked(queryset, query):
    """Join the documents of the matching organisations: filter and rank in one query.

    ts_rank_cd over phrase alternatives reads every position of every match (over a second
    for a third of 100,000 listings), so it ranks only the best CANDIDATES by ts_rank,
    which costs little more than the match itself; the rest follow in ts_rank order."""
    matches, params = match_sql(query)
    tsquery, tsquery_params = _tsquery(query)
    cheap, cheap_params = f"ts_rank({DOCUMENT}.search_vector, ({tsquery}))", tsquery_params
    full, full_params = f"ts_rank_cd(c.search_vector, ({tsquery}))", tsquery_params
    name = _typed_name(query)
    if name:
        # Typo tolerance on names: a close trigram match counts, and adds to the rank. In the
        # first cut only the close matches (found once through the trigram index) take their
        # similarity: computing it for every match costs more than the rest of the ranking.
        cheap += (
            f" + CASE WHEN {DOCUMENT}.organisation_id IN ({NAME_MATCHES}) "
            f"THEN word_similarity(lower(%s), lower({DOCUMENT}.name)) ELSE 0 END"
        )
        cheap_params = [*cheap_params, name, name]
        full += " + word_similarity(lower(%s), lower(c.name))"
        full_params = [*full_params, name]
    # Nothing above the window reads a match's vector, so its sort holds only the row's keys,
    # not every match's vector (~20MB spilled to disk for 33,000 matches): the candidates'
    # documents are read again by a subquery, and the rest are ordered by their place in
    # the ts_rank order (ties stay ties), the same order as by ts_rank itself.
    full = f"(SELECT {full} FROM {DOCUMENT} c WHERE c.organisation_id = {DOCUMENT}.organisation_id)"
    window = f"OVER (ORDER BY {cheap} DESC)"
    rank = (
        f"CASE WHEN row_number() {window} <= {CANDIDATES} "
        f"THEN {CANDIDATE_BONUS} + {full} ELSE -rank() {window} END"
    )
    return queryset.extra(
        tables=[DOCUMENT],
        where=[
            f"{DOCUMENT}.organisation_id = orgs_organisation.id",
            f"{DOCUMENT}.organisation_id IN ({matches})",
        ],
        params=params,
    ).annotate(
        search_rank=RawSQL(
            rank, [*cheap_params, *full_params, *cheap_params], output_field=FloatField()
        )
    )
