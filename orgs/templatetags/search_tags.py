"""Search snippets: the part of a listing that matched, with the matched words marked.
Everything is escaped first; only our own <mark> tags are added."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from orgs.search.query import fold

register = template.Library()

EXCERPT = 220


def _pattern(words):
    # Match word beginnings, so "survivors" also marks "survivor" and "trafficking" "traffic".
    stems = sorted({w[: max(4, len(w) - 3)] for w in words if w}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*")


class _OneCharacterFolds(dict):
    """Each character's first folded character (itself if it folds to nothing), as a
    ``str.translate`` table filled as characters are met: one C call per text, where a Python
    call per character took about a third of a card's time on a non-ASCII description."""

    def __missing__(self, code):
        folded = self[code] = (fold(chr(code)) or chr(code))[:1]
        return folded


_ONE_CHARACTER_FOLDS = _OneCharacterFolds()


def _folded(text):
    """The text folded one character at a time, so positions match the original."""
    if text.isascii():
        # Folding ASCII is lower-casing, one character for one.
        return text.lower()
    return text.translate(_ONE_CHARACTER_FOLDS)


def _marked(text, pattern):
    folded, pieces, last = _folded(text), [], 0
    for match in pattern.finditer(folded):
        pieces.append(conditional_escape(text[last : match.start()]))
        pieces.append(f"<mark>{conditional_escape(text[match.start() : match.end()])}</mark>")
        last = match.end()
    pieces.append(conditional_escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece is escaped above)


@register.simple_tag
def search_snippet(organisation, words):
    """The summary with matches marked, or, when only the description matched, the
    sentence-sized excerpt of the description around the first match."""
    pattern = _pattern(words)
    if pattern is None or pattern.search(_folded(organisation.summary)):
        return _marked(organisation.summary, pattern) if pattern else organisation.summary
    match = pattern.search(_folded(organisation.description))
    if not match:
        return organisation.summary
    start = max(0, match.start() - EXCERPT // 3)
    end = min(len(organisation.description), start + EXCERPT)
    excerpt = organisation.description[start:end]
    prefix = "…" if start else ""
    suffix = "…" if end < len(organisation.description) else ""
    return mark_safe(prefix + _marked(excerpt, pattern) + suffix)  # noqa: S308 (escaped)
