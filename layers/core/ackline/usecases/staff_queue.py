"""What support staff do in the queue view: list cases, open one with its whole conversation, claim, resolve;
and see what customers ask for most."""

from __future__ import annotations

from dataclasses import dataclass

from ackline.domain.demand import TopicDemand, most_requested
from ackline.domain.errors import CaseNotFound
from ackline.domain.model import Case, CaseStatus, StoredInteraction
from ackline.ports import CaseStore, DemandCounter, InteractionStore


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    conversation: list[StoredInteraction]


def list_queue(cases: CaseStore, status: CaseStatus, limit: int) -> list[Case]:
    return cases.list_cases(status, limit)


def open_case(case_id: str, cases: CaseStore, interactions: InteractionStore) -> CaseDetail:
    case = cases.get_case(case_id)
    if case is None:
        raise CaseNotFound(case_id)
    return CaseDetail(case=case, conversation=interactions.conversation(case.conversation_key))


def claim_case(case_id: str, staff: str, cases: CaseStore, now: float) -> Case:
    return cases.transition(case_id, CaseStatus.CLAIMED, staff, now)


def resolve_case(case_id: str, staff: str, cases: CaseStore, now: float) -> Case:
    return cases.transition(case_id, CaseStatus.RESOLVED, staff, now)


def suppressed_messages(interactions: InteractionStore, limit: int) -> list[StoredInteraction]:
    """What was deliberately not answered (spam, comments only tagging friends), newest first, with the reasons."""
    return interactions.suppressed(limit)


def demand_by_topic(demand: DemandCounter, limit: int) -> list[TopicDemand]:
    """What customers ask for most: feature requests per topic, most requested first."""
    return most_requested(demand.topics())[:limit]
