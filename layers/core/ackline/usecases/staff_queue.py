"""What support staff do in the queue view: list and search cases, open one with its whole conversation and history,
claim, release, assign, resolve, reopen, write internal notes; and see what customers ask for most."""

from __future__ import annotations

from dataclasses import dataclass

from ackline.domain.cases import CaseEvent, CaseEventKind, CasePage, CaseQuery
from ackline.domain.demand import TopicDemand, most_requested
from ackline.domain.errors import CaseNotFound
from ackline.domain.model import Case, CaseStatus, StoredInteraction
from ackline.ports import CaseStore, DemandCounter, InteractionStore

NOTE_CHARS = 4000


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    conversation: list[StoredInteraction]
    events: list[CaseEvent]  # notes, human replies, claims...: the case's own history, oldest first


def list_queue(cases: CaseStore, status: CaseStatus, limit: int) -> list[Case]:
    return cases.list_cases(status, limit)


def queue_page(cases: CaseStore, query: CaseQuery) -> CasePage:
    return cases.list_page(query)


def open_case(case_id: str, cases: CaseStore, interactions: InteractionStore) -> CaseDetail:
    case, events = cases.history(case_id)
    if case is None:
        raise CaseNotFound(case_id)
    return CaseDetail(case=case, conversation=interactions.conversation(case.conversation_key), events=events)


def claim_case(case_id: str, staff: str, cases: CaseStore, now: float) -> Case:
    return cases.claim(case_id, staff, now)


def release_case(case_id: str, staff: str, cases: CaseStore, now: float) -> Case:
    return cases.release(case_id, staff, now)


def assign_case(case_id: str, to: str, staff: str, cases: CaseStore, now: float) -> Case:
    return cases.assign(case_id, to, staff, now)


def resolve_case(case_id: str, staff: str, cases: CaseStore, now: float) -> Case:
    return cases.resolve(case_id, staff, now)


def reopen_case(case_id: str, staff: str, cases: CaseStore, now: float) -> Case:
    return cases.reopen(case_id, staff, now)


def add_note(case_id: str, text: str, staff: str, cases: CaseStore, now: float, note_id: str) -> CaseEvent:
    """An internal note: kept in the case's history for colleagues, never sent to the customer."""
    if cases.get_case(case_id) is None:
        raise CaseNotFound(case_id)
    note = CaseEvent(event_id=note_id, case_id=case_id, kind=CaseEventKind.NOTE, at=now, by=staff, text=text)
    cases.add_event(note)
    return note


def demand_by_topic(demand: DemandCounter, limit: int) -> list[TopicDemand]:
    """What customers ask for most: feature requests per topic, most requested first."""
    return most_requested(demand.topics())[:limit]
