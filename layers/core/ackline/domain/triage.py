"""A first, deliberately simple triage: who gets which kind of answer and who must reach a person.

Each rule names itself in `Decision.reasons`, so a person (and a test) can see why. The full rule
engine with a tuned lexicon is its own piece of work; this one holds the invariants that matter now:
never answer ourselves or spam, apologise for complaints and hand them to a person, and treat safety
words as a crisis.
"""

from __future__ import annotations

import re

from ackline.domain.model import Action, Decision, Intent, Interaction, Kind, Priority

_WORD = re.compile(r"[a-z']+")

CRISIS_TERMS = frozenset(
    {
        "injured",
        "injury",
        "hospital",
        "poisoned",
        "poisoning",
        "unsafe",
        "fire",
        "burned",
        "burnt",
        "explode",
        "exploded",
        "lawsuit",
        "lawyer",
        "sue",
        "recall",
        "allergic",
        "choking",
        "dangerous",
    }
)
COMPLAINT_TERMS = frozenset(
    {
        "terrible",
        "awful",
        "horrible",
        "broken",
        "broke",
        "refund",
        "disappointed",
        "disappointing",
        "worst",
        "hate",
        "angry",
        "useless",
        "rude",
        "scam",
        "damaged",
        "faulty",
        "late",
        "missing",
        "wrong",
        "never",
        "cancel",
        "complaint",
        "unacceptable",
        "ridiculous",
        "poor",
        "bad",
        "waste",
        "defective",
        "nobody",
        "ignored",
    }
)
COMPLAINT_PHRASES = (
    "didn't like",
    "did not like",
    "not happy",
    "not working",
    "doesn't work",
    "does not work",
    "still waiting",
    "never arrived",
    "no reply",
    "no response",
    "want my money",
)
PRAISE_TERMS = frozenset(
    {
        "love",
        "loved",
        "great",
        "amazing",
        "awesome",
        "thanks",
        "thank",
        "excellent",
        "fantastic",
        "perfect",
        "favourite",
        "favorite",
        "wonderful",
        "brilliant",
        "best",
        "happy",
    }
)
QUESTION_STARTS = (
    "how",
    "what",
    "when",
    "where",
    "why",
    "who",
    "which",
    "can",
    "could",
    "do",
    "does",
    "is",
    "are",
    "will",
    "would",
    "should",
    "any",
)
SPAM_PATTERNS = (
    re.compile(r"\b(crypto|bitcoin|forex|giveaway winner|earn \$?\d+|followers? for free|dm me to earn)\b", re.I),
    re.compile(r"(https?://\S+.*){3,}", re.I),  # a flood of links
)

# How quickly a person must pick a case up, by priority (seconds).
SLA_SECONDS = {Priority.P1: 15 * 60, Priority.P2: 60 * 60, Priority.P3: 4 * 3600, Priority.P4: 24 * 3600}


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def triage(interaction: Interaction) -> Decision:
    """Classify one interaction, explainably: intent, whether to reply, whether a person must see it."""
    if interaction.kind is Kind.RAW:
        return Decision(
            intent=Intent.OTHER,
            action=Action.ESCALATE_ONLY,
            escalate=True,
            priority=Priority.P3,
            reasons=(interaction.activity or "unrecognised event: stored raw for a person",),
        )
    if interaction.kind is Kind.ACTIVITY:
        return Decision(
            intent=Intent.OTHER,
            action=Action.SUPPRESS,
            escalate=False,
            reasons=(f"not a customer message: {interaction.activity or 'activity'}",),
        )
    if interaction.is_own:
        return Decision(intent=Intent.OTHER, action=Action.SUPPRESS, escalate=False, reasons=("our own message",))
    text = interaction.text.strip()
    lowered = text.lower()
    words = _words(text)
    if any(p.search(text) for p in SPAM_PATTERNS):
        return Decision(intent=Intent.SPAM, action=Action.SUPPRESS, escalate=False, reasons=("spam pattern",))
    if crisis := sorted(words & CRISIS_TERMS):
        return Decision(
            intent=Intent.CRISIS,
            action=Action.REPLY,
            escalate=True,
            priority=Priority.P1,
            reasons=tuple(f"crisis term: {w}" for w in crisis),
            reply_template="crisis",
        )
    complaint = sorted(words & COMPLAINT_TERMS) + [p for p in COMPLAINT_PHRASES if p in lowered]
    if complaint:
        return Decision(
            intent=Intent.COMPLAINT,
            action=Action.REPLY,
            escalate=True,
            priority=Priority.P2,
            reasons=tuple(f"complaint term: {w}" for w in complaint),
            reply_template="complaint",
        )
    first_word = next(iter(_WORD.findall(lowered)), "")
    if "?" in text or first_word in QUESTION_STARTS:
        return Decision(
            intent=Intent.QUESTION,
            action=Action.REPLY,
            escalate=True,
            priority=Priority.P3,
            reasons=("question: a person answers it",),
            reply_template="question",
        )
    if praise := sorted(words & PRAISE_TERMS):
        return Decision(
            intent=Intent.PRAISE,
            action=Action.REPLY,
            escalate=False,
            reasons=tuple(f"praise term: {w}" for w in praise),
            reply_template="praise",
        )
    if not text:
        return Decision(
            intent=Intent.OTHER,
            action=Action.ESCALATE_ONLY,
            escalate=True,
            priority=Priority.P4,
            reasons=("no text (media or sticker): a person looks",),
        )
    return Decision(
        intent=Intent.OTHER, action=Action.REPLY, escalate=False, reasons=("general message",), reply_template="general"
    )
