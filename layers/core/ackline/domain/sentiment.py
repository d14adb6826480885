"""Sentiment: one compound score from -1 to +1, from VADER's social-media lexicon.

VADER (MIT) is a rule-and-lexicon scorer built for short social posts — it knows emoji, "!!!", CAPS,
"but" and negation — and its lexicon ships inside its package: no model download, no network, about
40 ms to load once per container and 10 to 90 µs per message after that. Triage uses the score as one
signal among its own cues, never alone for anything that matters more than "unhappy or not".
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

# VADER's cost grows with length; a customer's mood shows long before 1,000 characters.
_MAX_CHARS = 1000


class SentimentScorer(Protocol):
    def __call__(self, text: str) -> float:
        """Compound sentiment of `text`, -1 (very negative) .. +1 (very positive)."""


@lru_cache(maxsize=1)
def _vader() -> SentimentScorer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()

    def score(text: str) -> float:
        return float(analyzer.polarity_scores(text)["compound"])

    return score


def vader_sentiment(text: str) -> float:
    if not text.strip():
        return 0.0
    return round(_vader()(text[:_MAX_CHARS]), 3)
