"""Search on PostgreSQL: a weighted tsvector (a generated column of the search documents,
GIN-indexed) with an accent-insensitive English configuration, ranked by ts_rank_cd; names
are also matched by trigram similarity, so a misspelt name still finds its organisation."""

from django.db.models import FloatField
from django.db.models.expressions import RawSQL

from .schema import DOCUMENT

CONFIG = "pillars"


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
    """The words to compare with names by similarity, for plain queries only."""
    if query.excluded:
        return None
    return " ".join(w for g in query.groups for w in g.alternatives[0].words) or None


def _condition(query, table):
    tsquery, params = _tsquery(query)
    condition = f"{table}.search_vector @@ ({tsquery})"
    name = _typed_name(query)
    if name:
        condition = f"({condition} OR lower(%s) <%% lower({table}.name))"
        params = [*params, name]
    return condition, params


def match_sql(query):
    """A self-contained SELECT of the matching organisation ids (safe inside any subquery)."""
    condition, params = _condition(query, DOCUMENT)
    return f"SELECT organisation_id FROM {DOCUMENT} WHERE {condition}", params


def ranked(queryset, query):
    """Join the documents once: filter and rank in the same query."""
    condition, params = _condition(query, DOCUMENT)
    tsquery, rank_params = _tsquery(query)
    rank = f"ts_rank_cd({DOCUMENT}.search_vector, ({tsquery}))"
    name = _typed_name(query)
    if name:
        rank = f"{rank} + word_similarity(lower(%s), lower({DOCUMENT}.name))"
        rank_params = [*rank_params, name]
    return queryset.extra(
        tables=[DOCUMENT],
        where=[f"{DOCUMENT}.organisation_id = orgs_organisation.id", condition],
        params=params,
    ).annotate(search_rank=RawSQL(rank, rank_params, output_field=FloatField()))
