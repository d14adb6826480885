"""What people are told when a case cannot wait for the queue (crisis, safety, legal: priority P1).

The alert names the case and why it was raised (the cues that fired: lexicon terms such as "safety: fire"),
never the customer's own text or name: alerts travel by e-mail and chat, outside the queue page's protections,
and the customer's text is attacker-controlled.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ackline.domain.model import Case, Priority

ALERT_PRIORITIES = frozenset({Priority.P1})


def needs_alert(case: Case) -> bool:
    return case.priority in ALERT_PRIORITIES and case.alerted_at is None


def alert_text(case: Case) -> tuple[str, str]:
    """(subject, message) for one case."""
    due = datetime.fromtimestamp(case.due_at, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    subject = f"ackline {case.priority.value}: {case.platform.value} case {case.case_id} needs a person now"
    reasons = "\n".join(f"- {reason}" for reason in case.reasons[:10]) or "- (no reason recorded)"
    message = (
        f"A {case.platform.value} conversation was escalated as {case.priority.value}; the holding statement is on "
        f"its way (the case shows whether it was sent).\n\nCase: {case.case_id}\nDue: {due}\nWhy:\n{reasons}\n\n"
        "Open the queue page to read the conversation and take the case."
    )
    return subject[:100], message
