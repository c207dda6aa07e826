"""The directory's search form: what each query-string parameter means and how it narrows
the published organisations. Invalid values are reported to the person and ignored."""

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import django_filters
from django import forms
from django.conf import settings
from django.utils import translation
from django_countries import countries
from django_filters import fields as filter_fields

from .models import (
    ExploitationForm,
    Organisation,
    OrganisationType,
    Pillar,
    Population,
)
from .search import read
from .search.cache import Results
from .search.facets import count as facet_counts
from .search.spelling import suggest

MAX_QUERY_LENGTH = 200
# More values than this for one filter is not a search anyone makes by hand; each active value
# links to the page without it, so the page would grow with the square of their number.
MAX_CHOICES = 20
# The filters offered with counts, in the order the page shows them.
FACET_ORDER = ["pillar", "exploitation", "population", "country", "type", "hq"]
FACETS = set(FACET_ORDER)

SORT_CHOICES = [
    ("relevance", "Best match"),
    ("name", "Name (A–Z)"),
    ("founded", "Longest-standing first"),
    ("reviewed", "Most recently reviewed"),
]


@dataclass
class Choice:
    value: str
    label: str
    count: int
    selected: bool

    @property
    def disabled(self):
        """A choice that would add nothing: offered, but not as a way to an empty page."""
        return self.count == 0 and not self.selected


@dataclass
class Facet:
    name: str
    label: str
    choices: list[Choice] = field(default_factory=list)

    @property
    def chosen(self):
        """How many of its choices are ticked."""
        return sum(choice.selected for choice in self.choices)


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class CountryCodesField(filter_fields.MultipleChoiceField):
    """ISO codes in any case: a hand-typed ``?country=gb`` means GB. An empty value means no
    country (the headquarters filter was once a list box whose "Any country" sent ``hq=``)."""

    def to_python(self, value):
        return [code.upper() for code in super().to_python(value) if code.strip()]


@lru_cache(maxsize=8)
def _country_names(language):
    return {code: str(name) for code, name in countries}


def country_names():
    """``{code: name}`` of every country, by name, in the active language. Names resolved
    once per process and language: resolving ~250 lazy names two or three times for each of
    two filters cost several milliseconds a page."""
    return _country_names(translation.get_language())


def country_choices():
    """Every country, as choices. A callable, so that the filters and forms of each request
    share it: copying the ~250 choices into every copy of the fields took ~12 ms a page."""
    return list(country_names().items())


class BoundedMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    """Any number of values up to MAX_CHOICES; more is reported and ignored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra["validators"] = [bounded_choices]


def bounded_choices(values):
    if len(values) > MAX_CHOICES:
        raise forms.ValidationError(f"Choose at most {MAX_CHOICES}.")


def distinct_values(data):
    """The query with each parameter's repeated values given once, in their first order."""
    data = data.copy()
    for name, values in data.lists():
        data.setlist(name, list(dict.fromkeys(values)))
    return data


class CountriesFilter(BoundedMultipleChoiceFilter):
    field_class = CountryCodesField


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. forced labour"}),
    )
    pillar = BoundedMultipleChoiceFilter(
        label="Pillar",
        method="filter_pillar",
        widget=forms.CheckboxSelectMultiple,
    )
    # The two country filters are lists of tick boxes; the page renders them itself
    # (templates/includes/facet.html), one loop and no template per country.
    country = CountriesFilter(
        label="Works in",
        choices=country_choices,
        method="filter_country",
        widget=forms.CheckboxSelectMultiple,
    )
    hq = CountriesFilter(
        label="Headquarters",
        choices=country_choices,
        method="filter_hq",
        widget=forms.CheckboxSelectMultiple,
    )
    exploitation = BoundedMultipleChoiceFilter(
        label="Form of exploitation",
        method="filter_exploitation",
        widget=forms.CheckboxSelectMultiple,
    )
    population = BoundedMultipleChoiceFilter(
        label="Population served",
        method="filter_population",
        widget=forms.CheckboxSelectMultiple,
    )
    type = BoundedMultipleChoiceFilter(
        label="Type of organisation",
        choices=OrganisationType.choices,
        method="filter_type",
        widget=forms.CheckboxSelectMultiple,
    )
    min_years = WholeNumberFilter(
        label="Active for at least (years)",
        method="filter_min_years",
        min_value=0,
        max_value=300,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=SORT_CHOICES,
        method="filter_sort",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Organisation
        fields = []

    def __init__(self, data=None, *args, results=None, **kwargs):
        super().__init__(None if data is None else distinct_values(data), *args, **kwargs)
        # The vocabularies and the expensive statements of this request, kept until the
        # directory changes (a view may share its own).
        self.results = results or Results(self.queryset.db)
        self._counted = {}  # (facet counts, results) for all the words, or some of them
        # The vocabularies' terms, read once and then kept with the search results until the
        # directory (vocabularies included) changes.
        vocabularies = self.results.kept("vocabularies", self._read_vocabularies)
        self.term_ids = {}
        for name, terms in vocabularies.items():
            self.filters[name].extra["choices"] = [(slug, label) for slug, label, _ in terms]
            self.term_ids[name] = {slug: pk for slug, _, pk in terms}

    @staticmethod
    def _read_vocabularies():
        models = {"pillar": Pillar, "exploitation": ExploitationForm, "population": Population}
        return {
            name: list(model.objects.values_list("slug", "name", "pk"))
            for name, model in models.items()
        }

    def filter_search(self, queryset, name, value):
        # Membership only; filter_queryset() ranks the listing itself.
        return queryset.matching(value, self.some_words)

    def filter_pillar(self, queryset, name, value):
        return queryset.in_pillars(value) if value else queryset

    def filter_country(self, queryset, name, value):
        return queryset.operating_in(value) if value else queryset

    def filter_hq(self, queryset, name, value):
        return queryset.headquartered_in(value) if value else queryset

    def filter_exploitation(self, queryset, name, value):
        return queryset.addressing(value) if value else queryset

    def filter_population(self, queryset, name, value):
        return queryset.serving(value) if value else queryset

    def filter_type(self, queryset, name, value):
        return queryset.of_type(value) if value else queryset

    def filter_min_years(self, queryset, name, value):
        return queryset.active_for_at_least(value) if value is not None else queryset

    def filter_sort(self, queryset, name, value):
        # Ordering is applied once, after every filter, in filter_queryset().
        return queryset

    @property
    def cleaned_data(self):
        """The valid part of the query (an unbound filter has none)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()  # validates once; cleaned_data keeps only the valid fields
        return self.form.cleaned_data

    @property
    def search_text(self):
        return (self.cleaned_data.get("q") or "").strip()

    @cached_property
    def search_words(self):
        """The words that make a listing match, to mark them in results."""
        return read(self.search_text).words if self.search_text else []

    @cached_property
    def some_words(self):
        """True when the organisations matching every word of a search of several words do
        not fill a page (sorted by relevance; sorted otherwise, when there are none): the
        results are then those matching some of the words, those matching every word first
        ("Showing results for some of your words")."""
        if not self.search_text or len(read(self.search_text).groups) < 2:
            return False
        self.some_words = False  # while the every-word results are counted
        every = self._count()[1]
        # Sorted otherwise than by relevance, full and partial matches would be mixed: widened
        # only when nothing matches every word.
        if every >= settings.ORGS_PAGE_SIZE or (every and self.chosen_sort != "relevance"):
            return False
        self.some_words = True  # while the some-word results are counted
        return self._count()[1] > every  # widened only if that finds more

    @property
    def every_word_count(self):
        """How many organisations match every word (and every filter)."""
        return self._counted[False][1] if self.some_words else self.result_count

    @property
    def chosen_sort(self):
        return self.cleaned_data.get("sort") or ("relevance" if self.search_text else "name")

    def _apply(self, queryset, skip):
        """``queryset`` under every valid filter whose name is not in ``skip``."""
        for name, value in self.cleaned_data.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_queryset(self, queryset):
        queryset = self._apply(queryset, skip={"q"})
        if self.search_text:
            if self.chosen_sort == "relevance":
                # The listing joins the index once, to match and rank in the same query.
                return queryset.search(self.search_text, self.some_words).by_relevance()
            # Sorted otherwise: ranking every match would be wasted.
            queryset = queryset.matching(self.search_text, self.some_words)
        return queryset.ordered_by(self.chosen_sort)

    @property
    def problems(self):
        """Human-readable reasons why parts of the query were ignored."""
        messages = []
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else name
            for error in errors:
                messages.append(f"{label}: {error} This part of your search was ignored.")
        return messages

    def active_filters(self):
        """Each applied filter value, with the query string that removes just that value."""
        active = []
        for name, value in self.cleaned_data.items():
            if name == "sort" or value in (None, "", []):
                continue
            field = self.form.fields[name]
            labels = dict(field.choices) if hasattr(field, "choices") else {}
            for item in value if isinstance(value, list) else [value]:
                params = self.data.copy()
                params.pop("page", None)
                if isinstance(value, list):
                    params.setlist(name, [v for v in params.getlist(name) if v != item])
                else:
                    params.pop(name, None)
                if name == "q":
                    shown = f"“{item}”"
                elif name == "min_years":
                    shown = f"{item}+ years"
                else:
                    shown = labels.get(item, item)
                active.append({"label": field.label, "value": shown, "query": params.urlencode()})
        return active

    @cached_property
    def _counts(self):
        """The facet counts and the number of results, from one query."""
        self.some_words  # noqa: B018 (decided first: it may count the every-word results)
        return self._count()

    def _count(self):
        if self.some_words in self._counted:
            return self._counted[self.some_words]
        base = self._apply(self.queryset, skip=FACETS | {"sort"})
        selected = {}
        for name in FACET_ORDER:
            value = self.cleaned_data.get(name)
            if value:
                selected[name] = value if isinstance(value, list) else [value]
        counted = facet_counts(base, selected, self.term_ids, self.results)
        self._counted[self.some_words] = counted
        return counted

    @property
    def result_count(self):
        """How many organisations ``qs`` holds, counted with the facets (no query of its own)."""
        return self._counts[1]

    def facets(self):
        """Every filter's choices with the number of results each would give."""
        counts, _ = self._counts
        return {name: self._facet(name, counts[name]) for name in FACET_ORDER}

    def _facet(self, name, counts):
        field = self.form.fields[name]
        selected = self.cleaned_data.get(name) or []
        selected = selected if isinstance(selected, list) else [selected]
        if name in ("country", "hq"):
            labels = country_names()
            # Of some 250 countries, offer those with results (and any already chosen), by
            # name, the chosen ones first: in a long list they stay in view.
            offered = {v for v, n in counts.items() if n and v} | set(selected)
            values = [v for v in labels if v in offered] + sorted(offered - labels.keys())
            chosen = set(selected)
            values.sort(key=lambda v: v not in chosen)
        else:
            labels = dict(field.choices)
            values = [v for v in labels if v != ""]
        choices = [
            Choice(v, str(labels.get(v, v)), counts.get(v, 0), v in selected) for v in values
        ]
        return Facet(name, field.label, choices)

    def did_you_mean(self):
        """A corrected search that finds something, when this one found nothing or only
        results for some of its words."""
        suggestion = suggest(self.search_text)
        if not suggestion:
            return None
        data = self.data.copy()
        data["q"] = suggestion
        data.pop("page", None)
        if not type(self)(data, queryset=self.queryset, results=self.results).qs.exists():
            return None
        return {"text": suggestion, "query": data.urlencode()}
