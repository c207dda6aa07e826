"""What every admin page of ours shares: an address or a form edited by hand is answered with a
message, never a server error.

Django's admin runs any lookup on a model's own fields that an address asks for (documented,
and kept: a bookmarked ``?founded__lt=1990`` works), and trusts the ids a form is posted with.
Some values get through its checks and only fail in the database or on the way there: a year
it cannot count to (the date hierarchy's ``updated_at__year=9999`` asks for the year 10000), an
invalid regular expression (``name__regex``), a range of one value (``founded__range=0``), a
number beyond the database's integers, a NUL character (PostgreSQL), an id that is no number.
"""

import logging
import re

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.db import DatabaseError, router, transaction
from django.http import Http404

from ..keys import KeyCheckedMultipleChoiceField, is_key

logger = logging.getLogger(__name__)

REGEX_LOOKUPS = ("__regex", "__iregex")
# What a lookup value the database or Django cannot use raises, as the list is counted.
UNUSABLE_FILTER = (
    IncorrectLookupParameters,
    ValueError,
    TypeError,
    IndexError,
    OverflowError,
    DatabaseError,
)


class ForgivingAdminMixin:
    """For a ``ModelAdmin``: filters that cannot be applied, whether Django or the database
    refuses them, are reported, and the whole list is shown (Django's own answer to a filter it
    does not know, until now without a word); ids posted for an action or a list's inline edit
    that cannot exist are refused, as Django refuses ids that are no number; such ids among a
    form's choices are wrong choices."""

    def get_changelist_instance(self, request):
        """The list, counted here (ChangeList counts as it is made), or IncorrectLookupParameters
        with a message: Django then shows the list without the address's filters, and its
        "Database error" page if even that fails, so a database that is really broken still
        says so."""
        try:
            check_regular_expressions(request.GET)
            # A savepoint: a statement the database refused must not spoil the transaction.
            with transaction.atomic(using=router.db_for_read(self.model)):
                return super().get_changelist_instance(request)
        except UNUSABLE_FILTER as error:
            logger.warning("Unusable filters on %s: %r", request.path, error)
            self.message_user(
                request,
                f"The list cannot be filtered that way ({error}); it shows everything instead.",
                messages.WARNING,
            )
            raise IncorrectLookupParameters(error) from error

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_key(self.model, pk) for pk in selected):
            self.message_user(
                request,
                "Those items cannot be selected: one is not an item of this list. "
                "No items have been changed.",
                messages.WARNING,
            )
            return None  # the list again, with the message
        return super().response_action(request, queryset)

    def _get_list_editable_queryset(self, request, prefix):
        # Django's (private) narrowing of an inline edit to the posted ids checks that they are
        # numbers, falling back to the whole list if not, but not their range: SQLite raised
        # OverflowError. Ids that cannot exist are answered the same way.
        pks = self._get_edited_object_pks(request, prefix)
        if not all(is_key(self.model, pk) for pk in pks):
            return self.get_queryset(request)
        return super()._get_list_editable_queryset(request, prefix)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KeyCheckedMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ForgivingHistoryMixin:
    """For a django-simple-history ``SimpleHistoryAdmin``: an id in a history address that
    cannot exist is a 404, as one that does not exist is (the library raised ValueError)."""

    def history_view(self, request, object_id, extra_context=None):
        if not is_key(self.model, unquote(object_id)):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history = self.model._meta.simple_history_manager_attribute
        records = getattr(self.model, history).model
        if not (is_key(self.model, unquote(object_id)) and is_key(records, version_id)):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


def check_regular_expressions(params):
    """ValueError for a ``__regex`` lookup whose value is no regular expression (SQLite runs
    them with Python's ``re``, ``__iregex`` after ``(?i)``, and failed with an
    OperationalError; PostgreSQL's DataError is caught with the others)."""
    for name, values in params.lists():
        if name.endswith(REGEX_LOOKUPS):
            flags = "(?i)" if name.endswith("__iregex") else ""
            for value in values:
                try:
                    re.compile(flags + value)
                except re.error as error:
                    raise ValueError(f"{value!r} is not a regular expression: {error}") from error
