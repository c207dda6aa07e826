"""Search results kept until the directory changes.

A listing page runs two expensive statements: every facet count with the number of results,
and the ids of its page (matched, ranked and sorted). For the same SQL and parameters they
give the same rows until a listing, its terms or countries, or a vocabulary changes, and any
such change replaces the database's search token (triggers of schema.py, on both databases,
inside the changing transaction). Rows are kept in the ``search`` cache under the token, the
statement and its parameters, so a result computed before a change can never be served after
it, by any process; a process only has to read the token, once per page. The filter
vocabularies are kept the same way (``kept()``).

The listing view keeps its whole rendered page the same way, for visitors without a session
(orgs/views.py): the same address gives the same page while the directory is unchanged.

The token is read before the statement runs: a change committed between the two leaves rows
under a token that is already gone, never old rows under the new token.
"""

import hashlib

from django.core.cache import caches
from django.core.exceptions import EmptyResultSet
from django.db import connections

from .schema import VERSION

CACHE = "search"
# Part of every key: change it when the shape of a kept value changes, so that a cache shared
# by processes of different versions (e.g. during a deploy) never hands one the other's.
FORMAT = 1


class Results:
    """The cached rows of statements on one database, for one request."""

    def __init__(self, using):
        self.using = using
        self._token = None

    def token(self):
        if self._token is None:
            with connections[self.using].cursor() as cursor:
                cursor.execute(f"SELECT token FROM {VERSION}")
                row = cursor.fetchone()
            # No token (the search schema is not installed): nothing can be cached safely.
            self._token = row[0] if row else False
        return self._token

    def kept(self, name, compute):
        """What ``compute()`` gives, computed once for the directory as it is now. ``name``
        must say everything the result depends on besides the directory's contents."""
        token = self.token()
        if token is False:
            return compute()
        key = hashlib.sha256(repr((FORMAT, self.using, token, name)).encode()).hexdigest()
        value = caches[CACHE].get(key)
        if value is None:
            value = compute()
            caches[CACHE].set(key, value)
        return value

    def rows(self, sql, params):
        def run():
            with connections[self.using].cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return self.kept(("rows", sql, list(params)), run)

    def ids(self, queryset):
        """The primary keys ``queryset`` gives, in its order."""
        try:
            compiler = queryset.values_list("pk").query.get_compiler(using=self.using)
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. the empty page of no results: nothing to ask
            return []
        return [pk for (pk,) in self.rows(sql, params)]
