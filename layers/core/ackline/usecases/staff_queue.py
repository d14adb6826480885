"""What support staff do in the queue view: list and search cases, open one with its whole conversation and history,
claim, release, assign, resolve, reopen, write internal notes; and see what customers ask for most."""

from __future__ import annotations

from dataclasses import dataclass

from ackline.domain.cases import CaseEvent, CaseEventKind, CasePage, CaseQuery
from ackline.domain.demand import TopicDemand, most_requested
from ackline.domain.errors import CaseNotFound
from ackline.domain.model import Case, CaseStatus, StoredInteraction
from ackline.domain.sla import SlaReport, sla_report
from ackline.ports import CaseStore, DemandCounter, InteractionStore

NOTE_CHARS = 4000
REPORT_CASES = 10_000  # cases one SLA report reads at most (it says when there were more)


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


def sla_figures(
    since: float, cases: CaseStore, interactions: InteractionStore, now: float, limit: int = REPORT_CASES
) -> SlaReport:
    """p50/p90 of the two clocks and the share of cases a person answered within their SLA, for cases opened since."""
    found, truncated = cases.opened_since(since, limit)
    # the automated clock is the case's first message's: how long the customer waited for ackline's answer
    firsts = {c.case_id: c.interaction_keys[0] for c in found if c.interaction_keys}
    stored = interactions.get_many(list(firsts.values())) if firsts else {}
    ack_seconds = {
        case_id: s.ack_latency_ms / 1000
        for case_id, key in firsts.items()
        if (s := stored.get(key)) is not None and s.ack_latency_ms is not None
    }
    return sla_report(found, ack_seconds, since, now, truncated)


def suppressed_messages(interactions: InteractionStore, limit: int) -> list[StoredInteraction]:
    """What was deliberately not answered (spam, comments only tagging friends), newest first, with the reasons."""
    return interactions.suppressed(limit)


def demand_by_topic(demand: DemandCounter, limit: int) -> list[TopicDemand]:
    """What customers ask for most: feature requests per topic, most requested first."""
    return most_requested(demand.topics())[:limit]
