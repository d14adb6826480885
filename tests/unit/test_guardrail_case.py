"""A reply that would break a guardrail is never sent, and a person gets a case that says why.

Through the use cases with fakes (ingest -> respond -> follow-up): the shipped policy's replies always pass, and
the local stack cannot be given another policy, so this is the rule's whole-pipeline test.
"""

from ackline.domain.model import Kind, Platform, ReplyStatus
from ackline.domain.policy import default_policy, parse_policy
from ackline.usecases.follow_up import follow_up
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import respond
from tests.fakes import InMemoryCaseStore, InMemoryInteractionStore, RecordingDispatcher, ScriptedReplier
from tests.unit.builders import comment


def test_a_reply_too_long_for_the_platform_is_not_sent_and_the_case_carries_the_reason():
    # Given a brand policy whose FAQ answer is longer than a Messenger message may be (it passes the wording checks)
    raw = default_policy().model_dump(mode="json")
    raw["faq"][0]["answer"] = "Our stores are open every day. " * 64 + "Welcome."
    wordy = parse_policy(raw)
    store, cases, dispatcher = InMemoryInteractionStore(), InMemoryCaseStore(), RecordingDispatcher()
    question = comment("What are your opening hours?", platform=Platform.MESSENGER, kind=Kind.MESSAGE)
    # When the message is ingested, answered and its hand-off followed up
    ingest([question], store, dispatcher, policy=wordy)
    assert not dispatcher.follow_ups  # answered from the FAQ: nobody would have looked at it
    replier = ScriptedReplier()
    respond(dispatcher.acks[0], store, replier, dispatcher, lambda: 1_002.0, policy=wordy)
    [hand_off] = dispatcher.follow_ups
    case = follow_up(hand_off, store, cases, 1_003.0)
    # Then nothing reached the platform, and a person has the case with the guardrail that stopped it
    assert replier.sent == [] and store.get(question.key).reply_status is ReplyStatus.FAILED
    assert any(r.startswith("reply blocked by guardrails: too_long") for r in case.reasons), case.reasons
    assert case.interaction_keys == (question.key,)
