"""Search on PostgreSQL: a weighted tsvector (a generated column of the search documents,
GIN-indexed) with an accent-insensitive English configuration, ranked by ts_rank_cd; names
are also matched by trigram similarity, so a misspelt name still finds its organisation."""

from django.db.models import FloatField, Value

from .schema import DOCUMENT

CONFIG = "pillars"


def tsquery(query):
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


def search(queryset, query):
    sql, params = tsquery(query)
    if not sql:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    joined = f"{DOCUMENT}.organisation_id = orgs_organisation.id"
    matches = f"{DOCUMENT}.search_vector @@ ({sql})"
    rank = f"ts_rank_cd({DOCUMENT}.search_vector, ({sql}))"
    name = " ".join(w for g in query.groups for w in g.alternatives[0].words)
    if name and not query.excluded:
        # Typo tolerance on names: a close trigram match counts as a match and adds to rank.
        matches = f"({matches} OR lower(%s) <%% lower({DOCUMENT}.name))"
        rank = f"{rank} + word_similarity(lower(%s), lower({DOCUMENT}.name))"
        return queryset.extra(
            tables=[DOCUMENT],
            where=[joined, matches],
            params=[*params, name],
            select={"search_rank": rank},
            select_params=[*params, name],
        )
    return queryset.extra(
        tables=[DOCUMENT],
        where=[joined, matches],
        params=params,
        select={"search_rank": rank},
        select_params=params,
    )
