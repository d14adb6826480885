"""A light language guess: the script first, then common function words for Latin-script languages.

Good enough to route: a message in a language the brand policy does not answer gets a short fallback
acknowledgement and a person, so a wrong guess costs a case, never a wrong reply. English wins ties
and anything too short to tell, because most short messages to an English-speaking brand are English.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

# Frequent function words and greetings, chosen to overlap as little as possible between languages.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "is",
            "are",
            "was",
            "to",
            "my",
            "i",
            "you",
            "it",
            "of",
            "this",
            "for",
            "not",
            "with",
            "on",
            "have",
            "has",
            "be",
            "me",
            "we",
            "our",
            "your",
            "that",
            "what",
            "how",
            "can",
            "do",
            "does",
            "hi",
            "hello",
            "thanks",
            "thank",
            "please",
            "just",
            "so",
            "but",
            "at",
            "from",
            "they",
            "will",
            "would",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "los",
            "las",
            "que",
            "y",
            "es",
            "muy",
            "para",
            "mi",
            "pero",
            "con",
            "por",
            "lo",
            "hola",
            "gracias",
            "está",
            "nadie",
            "pedido",
            "una",
            "un",
            "del",
            "hacen",
            "tienen",
            "sus",
            "su",
            "al",
            "como",
            "más",
            "también",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "les",
            "et",
            "est",
            "je",
            "pas",
            "ce",
            "vous",
            "une",
            "des",
            "pour",
            "ma",
            "mon",
            "c'est",
            "très",
            "merci",
            "bonjour",
            "trop",
            "avec",
            "qui",
            "sur",
            "dans",
            "au",
            "aux",
            "n'ai",
            "toujours",
            "ai",
            "commande",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "ich",
            "ein",
            "eine",
            "mit",
            "zu",
            "wann",
            "seit",
            "danke",
            "bin",
            "sehr",
            "hat",
            "auf",
            "den",
            "dem",
            "für",
            "niemand",
            "wird",
            "mein",
            "meine",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "os",
            "que",
            "não",
            "com",
            "um",
            "uma",
            "para",
            "muito",
            "obrigado",
            "obrigada",
            "vocês",
            "você",
            "chegou",
            "ninguém",
            "em",
            "no",
            "na",
            "do",
            "da",
            "meu",
            "minha",
            "olá",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "lo",
            "gli",
            "che",
            "non",
            "è",
            "per",
            "molto",
            "sono",
            "grazie",
            "ciao",
            "arrivato",
            "della",
            "delle",
            "questo",
            "questa",
            "mi",
            "ho",
        ]
    ),
}
_MARKS = {"ñ": "es", "¿": "es", "¡": "es", "ã": "pt", "õ": "pt", "ß": "de", "ä": "de", "ö": "de", "ü": "de"}

_SCRIPTS = (
    ("CYRILLIC", "ru"),
    ("ARABIC", "ar"),
    ("HEBREW", "he"),
    ("GREEK", "el"),
    ("THAI", "th"),
    ("DEVANAGARI", "hi"),
    ("HANGUL", "ko"),
    ("HIRAGANA", "ja"),
    ("KATAKANA", "ja"),
    ("CJK", "zh"),
)


def _script_language(text: str) -> str:
    counts: dict[str, int] = {}
    letters = 0
    for char in text[:500]:
        if not char.isalpha():
            continue
        letters += 1
        name = unicodedata.name(char, "")
        for prefix, language in _SCRIPTS:
            if name.startswith(prefix):
                counts[language] = counts.get(language, 0) + 1
                break
    if not counts or letters == 0:
        return ""
    language, count = max(counts.items(), key=lambda item: item[1])
    return language if count * 2 >= letters else ""


def detect_language(text: str, tokens: Sequence[str]) -> str:
    """An ISO 639-1 code; "en" when unsure. `tokens` are the normalised words of `text`."""
    by_script = _script_language(text)
    if by_script:
        return by_script
    scores = dict.fromkeys(_STOPWORDS, 0)
    for token in tokens[:200]:
        for language, words in _STOPWORDS.items():
            if token in words:
                scores[language] += 1
    for char, language in _MARKS.items():
        if char in text:
            scores[language] += 1
    best = max(scores, key=lambda language: (scores[language], language == "en"))
    return best if scores[best] > scores["en"] else "en"
