"""'Did you mean …?' for misspelt queries: each typed word that is not in the directory's
vocabulary is replaced by the closest word that is (difflib's ratio, the same on every
database). The vocabulary is the words of published names, summaries and tags, the
vocabularies' names and the synonym list, cached for a few minutes."""

import difflib
import re

from django.core.cache import caches

from .query import COUNTRY_NAMES, STOPWORDS, WORD, fold
from .synonyms import SYNONYMS

CACHE_KEY = "orgs:search:vocabulary"
CACHE_SECONDS = 300
MIN_LENGTH = 3
CUTOFF = 0.75


def vocabulary():
    cache = caches["local"]
    words = cache.get(CACHE_KEY)
    if words is None:
        from orgs.models import ExploitationForm, Organisation, Pillar, Population

        texts = list(SYNONYMS)
        for model in (Pillar, ExploitationForm, Population):
            texts += model.objects.values_list("name", flat=True)
        for name, summary, tags in Organisation.objects.published().values_list(
            "name", "summary", "tags"
        ):
            texts += [name, summary, tags]
        words = {fold(word) for text in texts for word in WORD.findall(text)}
        cache.set(CACHE_KEY, words, CACHE_SECONDS)
    return words


def suggest(text):
    """A corrected query, or None when every word is known or nothing close enough exists."""
    known = vocabulary()
    changed = False

    def replace(match):
        nonlocal changed
        word = match.group(0)
        folded = fold(word)
        if len(folded) < MIN_LENGTH or folded in known or folded in STOPWORDS:
            return word
        if folded in COUNTRY_NAMES or folded.isdigit():
            return word
        close = difflib.get_close_matches(folded, known, n=1, cutoff=CUTOFF)
        if not close:
            return word
        changed = True
        return close[0]

    corrected = re.sub(WORD, replace, text or "")
    return corrected if changed else None
