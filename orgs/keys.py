"""Primary keys typed into a request: a checkbox value, a selected row, an id in an address.

A value that is no number makes a query raise ValueError as it is built, and a number beyond
the database's integers (e.g. 99999999999999999999999) makes SQLite raise OverflowError as it
runs: both server errors. Such a value is no key of any row, so it is refused before a query is
made from it, as a value for a row that does not exist would be."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, router


def is_key(model, value, field_name=None):
    """Whether ``value`` can be the primary key (or the ``field_name``) of a ``model`` row."""
    field = model._meta.get_field(field_name) if field_name else model._meta.pk
    try:
        key = field.to_python(value)
    except ValidationError:
        return False
    if not isinstance(key, int):
        return True
    connection = connections[router.db_for_read(model)]
    try:
        low, high = connection.ops.integer_field_range(field.get_internal_type())
    except KeyError:  # not a column of integers after all
        return True
    return (low is None or low <= key) and (high is None or key <= high)


class KeyCheckedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ``ModelMultipleChoiceField`` whose values are checked to be keys before its query."""

    def _check_values(self, value):
        for pk in value:
            if not is_key(self.queryset.model, pk, self.to_field_name):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class KeyCheckedChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose value is checked to be a key before its query."""

    def to_python(self, value):
        if value not in self.empty_values and not is_key(
            self.queryset.model, value, self.to_field_name
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
