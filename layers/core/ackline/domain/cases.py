"""How a case starts: named after the interaction that opened it, due by its priority's SLA."""

from __future__ import annotations

from collections.abc import Sequence

from ackline.domain.model import Case, CaseStatus, Interaction, Priority, case_id_for
from ackline.domain.triage import SLA_SECONDS

SUMMARY_CHARS = 280  # what the queue shows of the latest message; the case view shows it all


def due_in(priority: Priority, sla_seconds: int | None = None) -> int:
    """The brand policy's SLA when the decision carries one, else the default for the priority."""
    return sla_seconds or SLA_SECONDS[priority]


def reopening_id(interaction: Interaction, reasons: Sequence[str]) -> str:
    """A new case for an interaction whose own case was resolved before this reason arrived (say, its reply
    failed later): named after the interaction and the reasons, so a retried follow-up opens it only once."""
    return case_id_for(interaction.key + "#" + "|".join(sorted(reasons)))


def new_case(
    interaction: Interaction,
    priority: Priority,
    reasons: Sequence[str],
    now: float,
    sla_seconds: int | None = None,
    case_id: str | None = None,
) -> Case:
    return Case(
        case_id=case_id or case_id_for(interaction.key),
        status=CaseStatus.OPEN,
        priority=priority,
        platform=interaction.platform,
        conversation_key=interaction.conversation_key,
        author_id=interaction.author_id,
        author_name=interaction.author_name,
        summary=interaction.text[:SUMMARY_CHARS],
        reasons=tuple(reasons),
        interaction_keys=(interaction.key,),
        opened_at=now,
        updated_at=now,
        due_at=now + due_in(priority, sla_seconds),
    )
