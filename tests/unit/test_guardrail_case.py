"""A reply that would break a guardrail is never sent, and a person gets a case that says why.

Through the use cases with fakes (ingest -> respond -> follow-up). The policy is valid when it loads (its wording
passes the tone rules and every reply fits every platform), but its track-order FAQ answer links the carrier's
site, a domain missing from `allowed_links`: the link guardrail refuses that reply at every send, and the composer
cannot repair it (it only drops the name, the out-of-hours note and the sign-off). tests/e2e/test_guardrail_rule.py
drives the same case through the local stack with the policy in SSM.
"""

from ackline.domain.model import Kind, Platform, ReplyStatus
from ackline.domain.policy import default_policy
from ackline.domain.policy_checks import parse_policy
from ackline.usecases.follow_up import follow_up
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import respond
from tests.fakes import InMemoryCaseStore, InMemoryInteractionStore, RecordingDispatcher, ScriptedReplier
from tests.unit.builders import comment


def test_a_reply_with_a_link_the_policy_does_not_allow_is_not_sent_and_the_case_carries_the_reason():
    # Given a brand policy whose FAQ answer links a site outside allowed_links (it loads: no load-time rule sees it)
    raw = default_policy().model_dump(mode="json")
    track = next(e for e in raw["faq"] if e["id"] == "track_order")
    track["answer"] = "You can follow any parcel at track.northwind-parcels.com with the number in your email."
    policy = parse_policy(raw)
    store, cases, dispatcher = InMemoryInteractionStore(), InMemoryCaseStore(), RecordingDispatcher()
    question = comment("How can I track my order?", platform=Platform.MESSENGER, kind=Kind.MESSAGE)
    # When the message is ingested, answered and its hand-off followed up
    ingest([question], store, dispatcher, policy=policy)
    assert not dispatcher.follow_ups  # answered from the FAQ: nobody would have looked at it
    replier = ScriptedReplier()
    respond(dispatcher.acks[0], store, replier, dispatcher, lambda: 1_002.0, policy=policy)
    [hand_off] = dispatcher.follow_ups
    case = follow_up(hand_off, store, cases, 1_003.0)
    # Then nothing reached the platform, and a person has the case with the guardrail that stopped it
    assert replier.sent == [] and store.get(question.key).reply_status is ReplyStatus.FAILED
    assert "reply blocked by guardrails: link: track.northwind-parcels.com" in case.reasons, case.reasons
    assert case.interaction_keys == (question.key,)
