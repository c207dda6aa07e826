"""Reading what a person typed into a search box.

Web-search syntax, the same on every database: words must all match (in any field);
``"exact phrase"``; ``a or b``; ``-word`` or ``-"phrase"`` to exclude. Words and phrases are
widened with the reviewed synonyms, and a country named in the query ("survivor support UK")
becomes a condition on where the organisation works. Nothing a person types can make the
query invalid: unknown punctuation is ignored and the number of terms is capped.

Given the directory's words (``known``, spelling.py), a word is also widened with its other
spellings: joined or split (``childcare`` ≈ ``child care``, ``anti-trafficking`` ≈
``antitrafficking`` ≈ ``anti trafficking``) and, when it is unknown, the closest words of
organisation names, so a misspelt name finds its organisation on every database.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django_countries import countries

from .synonyms import LONGEST_PHRASE, SYNONYMS

MAX_GROUPS = 8
# A joined word is split, or two words joined, only into parts at least this long.
MIN_PART = 3
# How close an unknown word must be to a word of a name to be searched as it (difflib ratio).
NAME_CUTOFF = 0.8
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = {
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "of", "on", "or", "that", "the", "to", "with", "who", "which", "near", "me", "my", "our",
}  # fmt: skip

# Names people use for countries beside the official ones; matched case-insensitively,
# except two-letter codes, which must be typed in capitals ("US", not "us").
COUNTRY_ALIASES = {
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "usa": "US",
    "united states": "US",
    "america": "US",
    "holland": "NL",
}
COUNTRY_CODES_IN_CAPITALS = {"US": "US", "UK": "GB"}


def fold(text):
    """Lower case without accents, so 'Émigré' and 'emigre' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _country_names():
    names = {fold(name): code for code, name in countries}
    names.update(COUNTRY_ALIASES)
    return names


COUNTRY_NAMES = _country_names()


@dataclass(frozen=True)
class Phrase:
    """Words that must all match: next to each other when ``exact``, anywhere otherwise."""

    words: tuple[str, ...]
    exact: bool = True

    @property
    def text(self):
        return " ".join(self.words)


@dataclass
class Group:
    """Any one of the alternatives must match."""

    alternatives: list[Phrase]


@dataclass
class SearchQuery:
    text: str
    groups: list[Group] = field(default_factory=list)
    excluded: list[Phrase] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    typed_words: list[str] = field(default_factory=list)

    @property
    def words(self):
        """Every word that can make a document match, for highlighting."""
        return sorted({w for g in self.groups for p in g.alternatives for w in p.words})


def _spellings(words, known):
    """Other spellings of a word or a two-word phrase: joined, split where both parts are
    words of the directory, or (an unknown word) the closest words of organisation names."""
    if len(words) != 1:
        return {"".join(words)} if len(words) == 2 else set()
    (word,) = words
    found = {
        f"{word[:i]} {word[i:]}"
        for i in range(MIN_PART, len(word) - MIN_PART + 1)
        if word[:i] in known.words and word[i:] in known.words
    }
    # A word read as two of the directory's words is no misspelling of a name.
    if not found and word not in known.words and len(word) > MIN_PART and not word.isdigit():
        found.update(difflib.get_close_matches(word, known.name_words, n=2, cutoff=NAME_CUTOFF))
    return found


def _variants(words, typed_as_words=False, known=None):
    """The phrase and its synonyms, word by word and as a whole, and its other spellings. A
    multi-word synonym typed without quotes also matches its words anywhere in the text."""
    phrase = " ".join(words)
    found = {phrase, *SYNONYMS.get(phrase, [])}
    for i, word in enumerate(words):
        for alternative in SYNONYMS.get(word, []):
            found.add(" ".join([*words[:i], alternative, *words[i + 1 :]]))
    if known is not None:
        found.update(_spellings(words, known))
    variants = [Phrase(tuple(p.split())) for p in sorted(found)]
    if typed_as_words and len(words) > 1:
        variants.append(Phrase(tuple(words), exact=False))
    return variants


def _tokens(text):
    """(negated, raw words, quoted) per token; an ``or`` comes back as None. A hyphenated
    word ("anti-trafficking", "survivor-led") is read as a phrase."""
    for negated, quoted, bare in TOKEN.findall(text):
        if bare and bare.lower() == "or":
            yield None
        elif bare:
            negated = bare.startswith("-") and len(bare) > 1
            words = WORD.findall(bare)
            if words:
                yield negated, words, len(words) > 1 and "-" in bare.strip("-")
        else:
            words = WORD.findall(quoted)
            if words:
                yield bool(negated), words, True


def _find_country(raw_words, start):
    """The longest country name starting at ``start``: (code, length) or (None, 0)."""
    for length in range(min(3, len(raw_words) - start), 0, -1):
        chunk = raw_words[start : start + length]
        if length == 1 and chunk[0] in COUNTRY_CODES_IN_CAPITALS:
            return COUNTRY_CODES_IN_CAPITALS[chunk[0]], 1
        name = fold(" ".join(chunk))
        if name in COUNTRY_NAMES and len(name) > 2:
            return COUNTRY_NAMES[name], length
    return None, 0


def _plain_groups(raw_words, query, known):
    """Groups for a run of unquoted words: countries taken out, known multi-word synonyms
    and two words that the directory also writes as one kept together, stop words dropped."""
    words = [fold(w) for w in raw_words]
    groups, i = [], 0
    while i < len(words):
        code, length = _find_country(raw_words, i)
        if code:
            if code not in query.countries:
                query.countries.append(code)
            i += length
            continue
        for length in range(min(LONGEST_PHRASE, len(words) - i), 1, -1):
            chunk = tuple(words[i : i + length])
            joined = length == 2 and known is not None and "".join(chunk) in known.words
            if " ".join(chunk) in SYNONYMS or joined:
                groups.append(Group(_variants(chunk, typed_as_words=True, known=known)))
                i += length
                break
        else:
            if words[i] not in STOPWORDS:
                groups.append(Group(_variants((words[i],), known=known)))
            i += 1
    return groups


def parse(text, known=None):
    """``known``: the directory's words (spelling.Vocabulary), to widen words with their
    other spellings; without it only synonyms widen them."""
    query = SearchQuery(text=(text or "").strip())
    run = []  # consecutive plain words, read together for phrases and country names
    or_pending = False

    def add(groups):
        nonlocal or_pending
        if or_pending and query.groups and groups:
            first, *groups = groups
            last = query.groups[-1].alternatives
            last.extend(a for a in first.alternatives if a not in last)
        query.groups.extend(groups)
        or_pending = False

    def flush():
        if run:
            add(_plain_groups(run, query, known))
            run.clear()

    for token in _tokens(query.text):
        if token is None:
            flush()
            or_pending = bool(query.groups)
            continue
        negated, raw_words, quoted = token
        if not negated:
            query.typed_words.extend(raw_words)
        if negated:
            flush()
            query.excluded.extend(_variants(tuple(fold(w) for w in raw_words)))
        elif quoted:
            flush()
            add([Group(_variants(tuple(fold(w) for w in raw_words), known=known))])
        elif or_pending:
            add(_plain_groups(raw_words, query, known))
        else:
            run.extend(raw_words)
    flush()
    query.groups = query.groups[:MAX_GROUPS]
    return query
