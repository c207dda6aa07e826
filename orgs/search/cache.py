"""A listing page's expensive statements, kept until the directory changes.

Every facet count with the number of results, a count of results, and the ids of a page
(matched, ranked and sorted), give the same rows for the same SQL and parameters until the
directory's version changes (orgs/caching.py). They are kept in the ``search`` cache under the
version read once at the start of the request: a change committed meanwhile leaves rows under a
version that is already gone, never old rows under the new one.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections

from .. import caching

CACHE = "search"


class Results:
    """The kept rows of statements on one database, for one request."""

    def __init__(self, using):
        self.using = using
        self._version = None

    def kept(self, name, compute):
        """What ``compute()`` gives for the directory as it is now. ``name`` must say
        everything the result depends on besides the directory's contents."""
        if self._version is None:
            self._version = caching.version()
        return caching.kept(CACHE, self._version, (self.using, name), compute)

    def rows(self, sql, params):
        def run():
            with connections[self.using].cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return self.kept(("rows", sql, list(params)), run)

    def count(self, queryset):
        """How many rows ``queryset`` holds."""
        try:
            sql, params = queryset.query.get_compiler(using=self.using).as_sql()
        except EmptyResultSet:  # a filter that can match nothing
            return 0
        return self.kept(("count", sql, list(params)), queryset.count)

    def ids(self, queryset):
        """The primary keys ``queryset`` gives, in its order."""
        try:
            compiler = queryset.values_list("pk").query.get_compiler(using=self.using)
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. the empty page of no results: nothing to ask
            return []
        return [pk for (pk,) in self.rows(sql, params)]
