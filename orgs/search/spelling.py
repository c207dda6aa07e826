"""The directory's words, for other spellings of a query's words (query.py) and for "Did you
mean …?": each typed word that is not in the directory is replaced by the closest word that is
(difflib's ratio, the same on every database). The words are those of published names,
summaries, tags and descriptions, the vocabularies' names and the synonym list, kept by each
process for a few minutes."""

import difflib
import re
import time
from dataclasses import dataclass

from django.core.cache import caches

from .query import COUNTRY_NAMES, STOPWORDS, WORD, fold
from .synonyms import SYNONYMS

CACHE_KEY = "orgs:search:vocabulary"
CACHE_SECONDS = 300
MIN_LENGTH = 3
CUTOFF = 0.75


@dataclass(frozen=True)
class Vocabulary:
    words: frozenset
    name_words: frozenset  # the words of organisation names, for misspelt names


def _words(texts):
    return frozenset(fold(word) for text in texts for word in WORD.findall(text))


# This process's vocabulary, under the token kept in the "local" cache: LocMemCache pickles
# what it holds, and unpickling the whole vocabulary (~5 ms at 10,000 listings) three or four
# times a request cost more than some requests' statements. The token keeps the lifetime and
# the clearing of the "local" cache in charge.
_held = {}


def vocabulary():
    cache = caches["local"]
    token = cache.get(CACHE_KEY)
    known = _held.get(token) if token is not None else None
    if known is None:
        from orgs.models import ExploitationForm, Organisation, Pillar, Population

        texts = list(SYNONYMS)
        for model in (Pillar, ExploitationForm, Population):
            texts += model.objects.values_list("name", flat=True)
        names = []
        for name, summary, tags, description in (
            Organisation.objects.published()
            .order_by()
            .values_list("name", "summary", "tags", "description")
        ):
            names.append(name)
            texts += [summary, tags, description]
        name_words = _words(names)
        known = Vocabulary(words=_words(texts) | name_words, name_words=name_words)
        token = time.monotonic_ns()
        _held.clear()
        _held[token] = known
        cache.set(CACHE_KEY, token, CACHE_SECONDS)
    return known


def _plural_or_singular(word, known):
    """Whether ``word`` is known, or known as its plural or singular: the search stems words,
    so "farm" finds "farms", and is no misspelling of it."""
    forms = {word, word + "s", word + "es", word.removesuffix("s"), word.removesuffix("es")}
    if word.endswith("y"):
        forms.add(word[:-1] + "ies")
    if word.endswith("ies"):
        forms.add(word[:-3] + "y")
    return not forms.isdisjoint(known)


def suggest(text):
    """A corrected query, or None when every word is known or nothing close enough exists."""
    known = vocabulary().words
    changed = False

    def replace(match):
        nonlocal changed
        word = match.group(0)
        folded = fold(word)
        if len(folded) < MIN_LENGTH or folded in STOPWORDS or _plural_or_singular(folded, known):
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
