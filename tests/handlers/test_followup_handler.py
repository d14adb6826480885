"""The FollowUp function's lambda_handler (a FollowUpQueue consumer), built by its handler factory over the fakes:
cases opened for people, P1 alerts, a person answering from the platform's app, a bad record failing alone."""

from __future__ import annotations

from typing import Any

from ackline.domain.cases import CaseEventKind
from ackline.domain.model import CaseStatus, Interaction, Kind, Platform, Priority
from ackline.usecases.ingest import ingest
from functions.followup.app import FollowUpPorts, build_handler
from tests.handlers.conftest import World, context
from tests.lambda_events import sqs_event
from tests.unit.builders import comment

CONTEXT = context("ackline-FollowUpFunction")


def _handler(world: World) -> Any:
    ports = FollowUpPorts(
        interactions=world.interactions,
        cases=world.cases,
        pauses=world.cases,
        unsettled=world.unsettled,
        alerter=world.alerter,
        policy=world.policy,
        clock=world.clock,
    )
    return build_handler(lambda: ports)


def _queued(world: World, interaction: Interaction) -> str:
    """The follow-up the webhook queued for this message, as the queue's body."""
    ingest([interaction], world.interactions, world.dispatcher, responses=world.dispatcher)
    return world.dispatcher.follow_ups[-1].model_dump_json()


def test_a_complaint_opens_a_case(world: World) -> None:
    message = comment("my parcel arrived broken", external_id="f1", thread_id="f1")
    assert _handler(world)(sqs_event(_queued(world, message)), CONTEXT) == {"batchItemFailures": []}
    [case] = world.cases.cases.values()
    assert case.status is CaseStatus.OPEN and case.interaction_keys == (message.key,) and case.opened_at == 1_100.0
    assert world.alerter.alerts == []  # not urgent: the queue is enough


def test_a_p1_case_alerts_people_once(world: World) -> None:
    body = _queued(world, comment("I will sue you, lawyer is calling", external_id="f1", thread_id="f1"))
    handler = _handler(world)
    assert handler(sqs_event(body), CONTEXT) == {"batchItemFailures": []}
    assert handler(sqs_event(body), CONTEXT) == {"batchItemFailures": []}  # SQS delivers at least once
    [case] = world.cases.cases.values()
    assert case.priority is Priority.P1 and case.alerted_at == 1_100.0 and len(world.alerter.alerts) == 1


def test_a_record_no_reply_answers_is_settled_once_its_case_is_written(world: World) -> None:
    event = comment("2 stars, slow delivery", platform=Platform.GENERIC, kind=Kind.RAW, external_id="g1")
    assert _handler(world)(sqs_event(_queued(world, event)), CONTEXT) == {"batchItemFailures": []}
    [case] = world.cases.cases.values()
    # the reconciler stops watching it: the case is what a person works from
    assert case.interaction_keys == (event.key,) and world.unsettled.cases_recorded == {event.key}


def test_a_bad_record_fails_alone_and_the_rest_of_the_batch_is_handled(world: World) -> None:
    good = _queued(world, comment("my parcel arrived broken", external_id="f1", thread_id="f1"))
    batch = sqs_event("{not json", good, '{"v": 2, "interaction_key": "facebook#x"}')
    assert _handler(world)(batch, CONTEXT) == {
        "batchItemFailures": [{"itemIdentifier": "m0"}, {"itemIdentifier": "m2"}]
    }
    assert len(world.cases.cases) == 1


def test_an_erased_interactions_follow_up_is_settled_not_retried(world: World) -> None:
    body = _queued(world, comment("my parcel arrived broken", external_id="f1", thread_id="f1"))
    world.interactions.items.clear()
    assert _handler(world)(sqs_event(body), CONTEXT) == {"batchItemFailures": []}
    assert world.cases.cases == {}


def test_a_person_answering_from_the_platforms_app_is_recorded_and_pauses_the_bot(world: World) -> None:
    def dm(text: str, mid: str, at: float, own: bool = False) -> Interaction:
        fields: dict[str, Any] = {"platform": Platform.MESSENGER, "kind": Kind.MESSAGE, "external_id": mid}
        fields |= {"created_at": at, "received_at": at}
        if own:
            fields |= {"author_id": "page-1", "is_own": True, "counterpart_id": "cust-1", "author_name": ""}
        else:
            fields |= {"author_id": "cust-1"}
        return comment(text, **fields)

    handler = _handler(world)
    assert handler(sqs_event(_queued(world, dm("my order arrived broken, really annoyed", "m_1", 1_000.0))), CONTEXT)
    [case] = world.cases.cases.values()
    ingest(
        [dm("Hi, Sam here from the team, I am on it", "m_sam", 1_050.0, own=True)],
        world.interactions,
        world.dispatcher,
        responses=world.dispatcher,
    )
    seen = world.dispatcher.responses[-1].model_dump_json()
    assert handler(sqs_event(seen), CONTEXT) == {"batchItemFailures": []}
    updated = world.cases.get_case(case.case_id)
    assert updated is not None and updated.first_human_response_at == 1_050.0
    assert [e.kind for e in world.cases.history(case.case_id)[1]] == [CaseEventKind.HUMAN_RESPONSE]
    pause_hours = world.policy.thresholds.human_pause_hours
    assert world.cases.paused_until(case.conversation_key) == 1_050.0 + pause_hours * 3600
