"""Store every interaction of a delivery once, decide about it, and queue the work it needs.

The webhook is answered 2xx only after this returns: by then every interaction is durably stored and
its queue messages accepted. A redelivery stores nothing new; if an earlier attempt stored an
interaction but died before queueing its work, the redelivery queues it (the responder's lease still
guarantees a single reply).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ackline.contracts.messages import AckRequest, FollowUpRequest
from ackline.domain.decide import decide
from ackline.domain.model import Interaction, ReplyStatus, StoredInteraction
from ackline.ports import Dispatcher, InteractionStore


@dataclass(frozen=True)
class IngestResult:
    stored: int
    duplicates: int
    acks: int
    follow_ups: int


def _work_for(stored: StoredInteraction) -> tuple[AckRequest | None, FollowUpRequest | None]:
    key = stored.interaction.key
    ack = AckRequest(interaction_key=key) if stored.reply_status is ReplyStatus.PENDING else None
    follow = FollowUpRequest(interaction_key=key, reasons=stored.decision.reasons) if stored.decision.escalate else None
    return ack, follow


def ingest(interactions: Sequence[Interaction], store: InteractionStore, dispatcher: Dispatcher) -> IngestResult:
    acks: list[AckRequest] = []
    follow_ups: list[FollowUpRequest] = []
    to_mark: list[str] = []
    stored_count = duplicates = 0
    for interaction in interactions:
        stored = store.add(interaction, decide(interaction))
        if stored is None:
            duplicates += 1
            stored = store.get(interaction.key)
            if stored is None or stored.dispatched:
                continue
        else:
            stored_count += 1
        ack, follow = _work_for(stored)
        if ack is None and follow is None:
            continue
        acks.extend([ack] if ack else [])
        follow_ups.extend([follow] if follow else [])
        to_mark.append(interaction.key)
    # Follow-ups first: if the process dies between the two sends, a person still hears of it.
    dispatcher.request_follow_ups(follow_ups)
    dispatcher.request_acks(acks)
    for key in to_mark:
        store.mark_dispatched(key)
    return IngestResult(stored=stored_count, duplicates=duplicates, acks=len(acks), follow_ups=len(follow_ups))
