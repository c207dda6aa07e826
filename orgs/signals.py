"""What every single write does besides itself: the search documents of the listings it
touches are rewritten inside its transaction (orgs/search/documents.py), and the directory's
version is bumped after it commits (orgs/caching.py). Bulk paths that bypass signals
(``bulk_create``, ``bulk_update``, ``QuerySet.update``) call both themselves."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import caching
from .models import (
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
from .search import documents

# What the public pages show: a change to any of these makes a new version.
PUBLIC = {
    Organisation, OperatingCountry, Source, Assessment, Criterion,
    Pillar, ExploitationForm, Population, Language,
}  # fmt: skip
# The terms whose names are searched, with their relation to the listings.
SEARCHED_TERMS = {
    Pillar: Organisation.pillars.through,
    ExploitationForm: Organisation.exploitation_forms.through,
    Population: Organisation.populations.through,
}
SEARCHED_RELATIONS = {through: term for term, through in SEARCHED_TERMS.items()}
DOCUMENT_FIELDS = {"name", "summary", "tags", "description", "organisation_type", "hq_country"}


def _public(sender):
    return sender._meta.concrete_model in PUBLIC


@receiver(post_save)
def saved(sender, instance, using, update_fields=None, **kwargs):
    if not _public(sender):
        return
    model = sender._meta.concrete_model
    if model is Organisation and (update_fields is None or DOCUMENT_FIELDS & set(update_fields)):
        documents.refresh([instance.pk], using)
    elif model in SEARCHED_TERMS:
        documents.refresh(_linked(model, instance.pk, using), using)
    caching.changed(using)


@receiver(pre_delete)
def deleting(sender, instance, using, **kwargs):
    # A term's links go with it, without m2m signals: remember whose documents name it.
    model = sender._meta.concrete_model
    if model in SEARCHED_TERMS:
        instance._linked_organisations = _linked(model, instance.pk, using)


@receiver(post_delete)
def deleted(sender, instance, using, **kwargs):
    if not _public(sender):
        return
    documents.refresh(getattr(instance, "_linked_organisations", []), using)
    caching.changed(using)


@receiver(m2m_changed)
def relation_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if action == "pre_clear" and reverse and sender in SEARCHED_RELATIONS:
        instance._linked_organisations = _linked(type(instance), instance.pk, using)
    if not action.startswith("post_") or not _public(sender._meta.auto_created or sender):
        return
    if sender in SEARCHED_RELATIONS:
        if not reverse:
            ids = [instance.pk]
        elif action == "post_clear":
            ids = getattr(instance, "_linked_organisations", [])
        else:
            ids = pk_set or []
        documents.refresh(ids, using)
    caching.changed(using)


def _linked(term_model, pk, using):
    through = SEARCHED_TERMS[term_model]
    column = f"{term_model._meta.model_name}_id"
    return list(
        through.objects.using(using)
        .filter(**{column: pk})
        .values_list("organisation_id", flat=True)
    )
