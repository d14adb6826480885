"""Text normalisation shared by triage and its lexicon: the same spelling rules on both sides of a match.

Customers write "sooo dissapointed", "doesnt work", "DOESN'T WORK" and "it's broken" with a curly
apostrophe: all of them have to meet the lexicon's "disappointed", "does not work" and "broken".
Matching is on whole tokens, so "late" never fires inside "chocolate".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ackline.domain.lexicon import TYPOS

# Zero-width and bidirectional controls: invisible, and a classic way to split a word past a filter.
INVISIBLE = re.compile("[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_TOKEN = re.compile(r"[^\W_]+(?:['&][^\W_]+)*|[/][a-z]\b|[£$€]+")
_ELONGATED = re.compile(r"(.)\1{2,}")
_NOT = re.compile(r"n't$")
_IRREGULAR_NOT = {"can't": "can not", "won't": "will not", "shan't": "shall not"}
_CONTRACTIONS = (("'d", " would"), ("'ll", " will"), ("'re", " are"), ("'ve", " have"), ("'m", " am"))


def clean(text: str) -> str:
    """NFKC, lower case, plain apostrophes, no invisible characters."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_APOSTROPHES).lower()


@lru_cache(maxsize=16384)  # a handful of calls per word per message: a tenth of triage's time uncached
def _spell(token: str) -> str:
    squeezed = _ELONGATED.sub(r"\1\1", token)
    if squeezed in TYPOS:
        return TYPOS[squeezed]
    if squeezed in _IRREGULAR_NOT:
        return _IRREGULAR_NOT[squeezed]
    if _NOT.search(squeezed):
        return squeezed[:-3] + " not"
    for suffix, spelled in _CONTRACTIONS:
        if squeezed.endswith(suffix) and len(squeezed) > len(suffix):
            return squeezed[: -len(suffix)] + spelled
    return squeezed


def tokens(text: str) -> list[str]:
    """The words of already-`clean` text, spelled canonically ("doesn't" -> "does", "not")."""
    return list(_tokens(text))


@lru_cache(maxsize=64)  # triage reads one message's words in several places
def _tokens(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for raw in _TOKEN.findall(text):
        out.extend(_spell(raw).split(" "))
    return tuple(out)


@lru_cache(maxsize=4096)
def phrase_key(phrase: str) -> str:
    """A lexicon phrase in the same canonical form as a message's token string."""
    return " ".join(tokens(clean(phrase)))


@dataclass(frozen=True)
class Fuzzy:
    """One-edit typo tolerance for long (7+ letter) lexicon words: symmetric deletion, so any single
    insertion, deletion or substitution after the first letter."""

    exact: frozenset[str]
    deletions: dict[str, str]

    @classmethod
    def over(cls, words: Iterable[str], min_length: int = 7) -> Fuzzy:
        exact = frozenset(w for w in words if len(w) >= min_length and " " not in w)
        deletions: dict[str, str] = {}
        for word in sorted(exact):
            for i in range(1, len(word)):
                deletions.setdefault(word[:i] + word[i + 1 :], word)
        return cls(exact, deletions)

    def correct(self, token: str) -> str:
        if len(token) < 7 or token in self.exact:
            return token
        candidates = [token, *(token[:i] + token[i + 1 :] for i in range(1, len(token)))]
        for candidate in candidates:
            word = candidate if candidate in self.exact else self.deletions.get(candidate, "")
            # typos rarely touch the first letter; requiring it keeps "turned" from reading as "burned"
            if word and word[0] == token[0]:
                return word
        return token
