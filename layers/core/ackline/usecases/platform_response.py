"""A person answered from the platform's own app (the Page inbox, the Instagram app, X): ackline sees our own
account's message arrive (an echo, our Page's comment reply, our reply tweet). In a conversation with an open case
it records a human response on the case (who, when: the second clock) and pauses automated replies in that
conversation for the policy's window, so the bot does not talk over the person.

Our own sends come back the same way, so a message is a person's only if it is neither an automated reply ackline
sent (its id or text is on the conversation's replies) nor a reply sent from the queue (on the case's history). An
echo that overtakes the record of our own send (the platform echoes within milliseconds) is retried later.
"""

from __future__ import annotations

import hashlib

from ackline.contracts.messages import HumanResponseSeen
from ackline.domain.cases import CaseEvent, CaseEventKind
from ackline.domain.model import Case, Interaction, ReplyStatus
from ackline.ports import AutomationPauses, CaseStore, InteractionStore


class SendInFlight(Exception):
    """One of our own replies in this conversation is being sent: the echo may be it. Try again shortly."""


def _conversation_of(own: Interaction, interactions: InteractionStore) -> str | None:
    """The customer's conversation our message belongs to: the DM's recipient, or the comment it answers."""
    if own.counterpart_id:
        return f"{own.platform}#{own.account_id}#{own.counterpart_id}"
    if own.in_reply_to:
        answered = interactions.get(f"{own.platform}#{own.in_reply_to}")
        if answered is not None and not answered.interaction.is_own:
            return answered.interaction.conversation_key
    return None


def record_platform_response(
    request: HumanResponseSeen,
    interactions: InteractionStore,
    cases: CaseStore,
    pauses: AutomationPauses,
    pause_seconds: int,
) -> Case | None:
    stored = interactions.get(request.interaction_key)
    if stored is None or not stored.interaction.is_own:
        return None
    own = stored.interaction
    conversation = _conversation_of(own, interactions)
    if conversation is None:
        return None
    case_id = cases.open_case_id(conversation)
    if case_id is None:
        return None  # nobody is waiting on a person here: nothing to record or pause
    history = interactions.conversation(conversation, limit=50)
    if any(s.reply_id == own.external_id or (own.text and s.reply_text == own.text) for s in history):
        return None  # ackline's own automated reply, echoed back
    case, events = cases.history(case_id)
    if case is None:
        return None
    human_replies = [e for e in events if e.kind is CaseEventKind.HUMAN_REPLY]
    if any(e.reply_id == own.external_id or e.text == own.text for e in human_replies):
        return None  # a reply a person sent from the queue: already recorded with who sent it
    in_flight = [s for s in history if s.reply_status is ReplyStatus.SENDING]
    if in_flight or any(e.reply_status is ReplyStatus.SENDING for e in human_replies):
        raise SendInFlight(conversation)
    where = f"{own.platform.value} app"
    event_id = hashlib.sha256(own.key.encode()).hexdigest()[:20]  # once per message, however often it arrives
    cases.add_event(
        CaseEvent(
            event_id=event_id,
            case_id=case_id,
            kind=CaseEventKind.HUMAN_RESPONSE,
            at=own.created_at,
            by=where,
            text=own.text,
            reply_id=own.external_id,
        )
    )
    cases.record_human_response(case_id, where, own.created_at)
    if pause_seconds > 0:
        pauses.pause(conversation, own.created_at + pause_seconds, where)
    return cases.get_case(case_id)
