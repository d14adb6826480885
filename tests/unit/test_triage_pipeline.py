"""The policy engine through the use cases: ingest decides (with the author ledger), respond composes and guards."""

from ackline.domain.model import Action, Intent, Kind, Platform, ReplyStatus
from ackline.domain.policy import default_policy
from ackline.domain.policy_checks import parse_policy
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import respond
from tests.fakes import InMemoryAuthorLedger, InMemoryInteractionStore, RecordingDispatcher, ScriptedReplier
from tests.unit.builders import comment


def _clock(now=1_002.0):
    return lambda: now


def test_repeat_abuse_gets_one_reply_then_cases_only_then_a_flag():
    store, dispatcher, ledger = InMemoryInteractionStore(), RecordingDispatcher(), InMemoryAuthorLedger()
    messages = [comment("you're all idiots", external_id=f"c{i}", received_at=1_000.0 + i) for i in range(3)]
    ingest(messages, store, dispatcher, ledger=ledger)
    actions = [store.get(m.key).decision.action for m in messages]
    assert actions == [Action.REPLY, Action.ESCALATE_ONLY, Action.ESCALATE_ONLY]
    assert len(dispatcher.acks) == 1 and len(dispatcher.follow_ups) == 3
    assert ledger.is_flagged(messages[0].conversation_key)
    # a redelivery does not count twice
    ingest(messages[:1], store, RecordingDispatcher(), ledger=ledger)
    assert len(ledger.abuse[messages[0].conversation_key][1]) == 3


def test_the_abuse_window_restarts():
    ledger = InMemoryAuthorLedger()
    assert ledger.record_abuse("a", "k1", 0.0, 3600) == 1
    assert ledger.record_abuse("a", "k2", 10.0, 3600) == 2
    assert ledger.record_abuse("a", "k3", 7200.0, 3600) == 1


def test_respond_sends_the_composed_reply_and_varies_it_per_author():
    store, dispatcher = InMemoryInteractionStore(), RecordingDispatcher()
    first = comment("Love it!", external_id="c1", created_at=1_000.0)
    second = comment("Love it!", external_id="c2", created_at=1_001.0)
    replier = ScriptedReplier()
    ingest([first], store, dispatcher)
    respond(dispatcher.acks[-1], store, replier, dispatcher, _clock())
    ingest([second], store, dispatcher)
    respond(dispatcher.acks[-1], store, replier, dispatcher, _clock())
    (_, text_1), (_, text_2) = replier.sent
    assert "Dana" in text_1 and "Dana" in text_2 and text_1 != text_2


def test_a_reply_that_breaks_a_guardrail_is_not_sent_and_reaches_a_person():
    # a campaign hashtag in an FAQ answer: the policy loads, but no reply may carry a hashtag, and the composer
    # can only drop the name, the out-of-hours note and the sign-off, so even the bare reply cannot be sent
    raw = default_policy().model_dump(mode="json")
    raw["faq"][0]["answer"] = "Our stores are open 9am to 8pm every day. #NorthwindOpenLate"
    wordy = parse_policy(raw)
    store, dispatcher = InMemoryInteractionStore(), RecordingDispatcher()
    question = comment("What are your opening hours?", platform=Platform.MESSENGER, kind=Kind.MESSAGE)
    ingest([question], store, dispatcher, policy=wordy)
    replier = ScriptedReplier()
    outcome = respond(dispatcher.acks[0], store, replier, dispatcher, _clock(), policy=wordy)
    stored = store.get(question.key)
    assert outcome.status is ReplyStatus.FAILED and not replier.sent
    assert stored.reply_status is ReplyStatus.FAILED and "hashtag: #N" in stored.reply_error
    assert "reply blocked by guardrails" in dispatcher.follow_ups[-1].reasons[0]
    assert stored.decision.intent is Intent.QUESTION


def test_only_abusive_words_or_a_near_certain_model_put_a_message_on_the_authors_abuse_record():
    from ackline.domain.decide import decide
    from ackline.domain.triage import MODEL_ABUSE_COUNTS_MIN, counts_as_abuse

    policy = default_policy()
    in_words = decide(comment("you're all idiots"), policy)
    assert in_words.intent is Intent.ABUSE and counts_as_abuse(in_words)
    # a harsh complaint the model only half reads as abuse stays off the record, so it can never cost the customer
    # their replies; the same reading made near certain goes on it
    harsh = decide(comment("Look at the state of this, your warehouse should be ashamed of itself"), policy)
    unsure_abuse = harsh.model_copy(update={"intent": Intent.ABUSE, "confidence": 0.49, "reasons": ("model: abuse",)})
    assert not counts_as_abuse(unsure_abuse)
    assert counts_as_abuse(unsure_abuse.model_copy(update={"confidence": MODEL_ABUSE_COUNTS_MIN}))
    assert not counts_as_abuse(decide(comment("The parcel never arrived, useless"), policy))


def test_abuse_on_the_models_word_alone_is_judged_by_the_record_but_never_counted_nor_flags():
    store, ledger = InMemoryInteractionStore(), InMemoryAuthorLedger()
    policy = default_policy()
    counted = comment("you lot are a disgrace", external_id="a1", received_at=1_000.0)
    # the model alone reads this as abuse, short of near certain (checked first: a refit may read it otherwise)
    unsure = comment("whoever packed this wants sacking", external_id="a2", received_at=1_001.0)
    from ackline.domain.decide import decide
    from ackline.domain.triage import counts_as_abuse

    first_reading = decide(unsure, policy)
    assert first_reading.intent is Intent.ABUSE and not counts_as_abuse(first_reading), first_reading.reasons
    ingest([counted, unsure], store, RecordingDispatcher(), ledger=ledger, policy=policy)
    author = counted.conversation_key
    # one gracious reply per window: the author already had it, so the second gets none (a person still sees it)
    assert store.get(counted.key).decision.action is Action.REPLY
    assert store.get(unsure.key).decision.action is Action.ESCALATE_ONLY
    # ... yet only the message in abusive words is on the record
    assert ledger.standing(author, 1_002.0, policy.thresholds.abuse_window_hours * 3600)[0] == 1
    # and however many such messages come, they never flag the author
    more = [
        comment("whoever packed this wants sacking", external_id=f"m{i}", received_at=1_002.0 + i) for i in range(5)
    ]
    ingest(more, store, RecordingDispatcher(), ledger=ledger, policy=policy)
    assert not ledger.is_flagged(author)
