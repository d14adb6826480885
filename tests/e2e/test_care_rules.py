"""Each rule of good social care through the whole pipeline (docs/DESIGN.md section 1, issue 4).

A correctly signed Facebook comment goes in at the emulated API Gateway; what comes out is the reply the
platform sandbox received (`/_sandbox/calls`) and/or the case staff see (`/api/cases`), plus demand per
topic (`/api/demand`). Every test uses its own author ids, so tests sharing the session's stack never meet.

The one rule not driven from here — a reply that would break a guardrail is not sent and reaches a person with
the reason — cannot be reached with the shipped brand policy (its replies pass every guardrail, and the composer
drops optional parts until they do). tests/e2e/test_guardrail_rule.py drives it through a second local stack
started with its own policy in SSM (`--brand-policy`); tests/unit/test_guardrail_case.py covers it at the
use-case level.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import requests

from ackline.domain.guardrails import wording_violations
from ackline.domain.policy import default_policy
from ackline_local.webhooks import DEMO_PAGE_ID, facebook_feed_comment, signed_meta_request
from tests.running_stack import RunningStack, wait_for

POLICY = default_policy()
SETTLE = 1.5  # long enough for a reply or case that was coming to have arrived on the local stack


def _id() -> str:
    return str(uuid.uuid4().int)[:15]


def _post() -> str:
    return f"{DEMO_PAGE_ID}_{_id()}"


def _send(stack: RunningStack, text: str, author_id: str, author_name: str = "Dana Rivers", **kw: Any) -> str:
    """Deliver one signed comment; returns its comment id."""
    payload = facebook_feed_comment(text, author_id=author_id, author_name=author_name, **kw)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    return str(payload["entry"][0]["changes"][0]["value"]["comment_id"])


def _replies(stack: RunningStack, comment_id: str) -> list[str]:
    calls = stack.sandbox_calls()
    return [c["body"]["message"] for c in calls if c["path"].endswith(f"/{comment_id}/comments") and not c["fault"]]


def _reply(stack: RunningStack, comment_id: str) -> str:
    replies = wait_for(lambda: _replies(stack, comment_id), timeout=5)
    assert len(replies) == 1, replies
    return str(replies[0])


def _case(stack: RunningStack, author_id: str) -> dict[str, Any] | None:
    cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
    return next((c for c in cases if c["author_id"] == author_id), None)


def _wait_case(stack: RunningStack, author_id: str, until: Any = bool) -> dict[str, Any]:
    case = wait_for(lambda: (c := _case(stack, author_id)) and until(c) and c, timeout=5)
    assert case, f"no case for {author_id}"
    return dict(case)


def _acceptable(text: str) -> None:
    assert not wording_violations(text, POLICY), text


def test_complaint_gets_an_apology_an_offer_to_go_offline_and_a_p2_case(stack):
    author = "71" + _id()
    comment = _send(stack, "My order arrived broken and nobody answers my emails. Really disappointed.", author)
    reply = _reply(stack, comment)
    assert "sorry" in reply.lower() and POLICY.offline_channel.phrase in reply
    _acceptable(reply)
    case = _wait_case(stack, author)
    assert case["priority"] == "P2" and any(r.startswith("complaint:") for r in case["reasons"])


def test_praise_gets_thanks_by_first_name_and_no_case(stack):
    author = "72" + _id()
    reply = _reply(stack, _send(stack, "One of my favourite products, love it.", author, author_name="Maya Chen"))
    assert "Maya" in reply and "thank" in reply.lower()
    _acceptable(reply)
    time.sleep(SETTLE)
    assert _case(stack, author) is None


def test_price_objection_gets_the_value_and_the_genuine_offer_never_a_joke(stack):
    author = "73" + _id()
    reply = _reply(stack, _send(stack, "This is a bit expensive.", author))
    assert "two" in reply.lower() and "year" in reply.lower()  # the value behind the price, from the policy
    assert POLICY.offers[0] in reply
    _acceptable(reply)  # no humour, slang, promise or banned phrase
    time.sleep(SETTLE)
    assert _case(stack, author) is None


def test_feature_request_makes_no_promise_and_is_counted_under_its_topic(stack):
    def packaging() -> int:
        topics = stack.staff_get("/api/demand").json()["topics"]
        return next((t["requests"] for t in topics if t["topic"] == "packaging"), 0)

    before = packaging()
    author = "74" + _id()
    payload = facebook_feed_comment("Please make the packaging plastic free", author_id=author)
    request = signed_meta_request(payload, stack.meta_app_secret)
    assert request.send(stack.gateway)[0] == 200
    reply = _reply(stack, str(payload["entry"][0]["changes"][0]["value"]["comment_id"]))
    assert "passed" in reply or "shared" in reply
    _acceptable(reply)  # no "soon", "we will add", "definitely", ...
    assert wait_for(lambda: packaging() == before + 1, timeout=5)
    # a redelivered webhook does not count twice
    assert request.send(stack.gateway)[0] == 200
    time.sleep(SETTLE)
    assert packaging() == before + 1
    counts = [t["requests"] for t in stack.staff_get("/api/demand").json()["topics"]]
    assert counts == sorted(counts, reverse=True)  # most requested first
    # staff only, and described in the staff API's OpenAPI document
    assert requests.get(stack.gateway + "/api/demand", timeout=5).status_code == 401
    assert "/api/demand" in requests.get(stack.gateway + "/api/openapi.json", timeout=5).json()["paths"]


def test_question_the_faq_answers_is_answered_with_no_case(stack):
    author = "75" + _id()
    reply = _reply(stack, _send(stack, "What are your opening hours?", author))
    faq = next(e for e in POLICY.faq if e.id == "opening_hours")
    assert faq.answer in reply
    time.sleep(SETTLE)
    assert _case(stack, author) is None


def test_question_the_faq_cannot_answer_is_acknowledged_and_a_p3_case(stack):
    author = "76" + _id()
    reply = _reply(stack, _send(stack, "Can I change the delivery address on my order?", author))
    assert "question" in reply.lower() or "team" in reply.lower()
    _acceptable(reply)
    case = _wait_case(stack, author)
    assert case["priority"] == "P3"


def test_abuse_gets_one_gracious_reply_then_silence_and_the_author_is_flagged(stack):
    author = "77" + _id()
    first = _send(stack, "You are all idiots", author)
    reply = _reply(stack, first)
    assert "sorry" in reply.lower() or "frustration" in reply.lower()
    _acceptable(reply)  # gracious: never a comeback
    case = _wait_case(stack, author)
    assert any(r.startswith("abusive language") for r in case["reasons"])
    # the policy's N abusive messages in the window: no more public replies, and the author is flagged
    assert POLICY.thresholds.abuse_flag_after == 3 and POLICY.thresholds.abuse_replies_per_window == 1
    later = [_send(stack, text, author) for text in ("You are useless idiots, all of you", "Absolute clowns")]
    case = _wait_case(stack, author, until=lambda c: "author flagged for repeated abuse" in c["reasons"])
    assert "repeat abuse: no further public reply" in case["reasons"]
    assert len(case["interaction_keys"]) == 3
    time.sleep(SETTLE)
    assert all(not _replies(stack, c) for c in later) and len(_replies(stack, first)) == 1


def test_safety_report_gets_the_holding_statement_and_a_p1_case(stack):
    author = "78" + _id()
    reply = _reply(stack, _send(stack, "The charger caught fire and burned my hand", author))
    assert "priority" in reply and POLICY.offline_channel.phrase in reply
    case = _wait_case(stack, author)
    assert case["priority"] == "P1" and any(r.startswith("safety:") for r in case["reasons"])


def test_unsupported_language_gets_the_fallback_acknowledgement_and_a_case(stack):
    author = "79" + _id()
    reply = _reply(stack, _send(stack, "Hola, mi pedido llegó roto y nadie me responde. Muy decepcionada.", author))
    assert reply.startswith(POLICY.fallback_for("es"))
    case = _wait_case(stack, author)
    assert any("language es is not covered" in r for r in case["reasons"])


def _suppressed(stack: RunningStack, comment_id: str) -> dict[str, Any] | None:
    items = [i for i in stack.table_items() if i["pk"]["S"] == f"INT#facebook#{comment_id}"]
    return items[0] if items else None


def test_spam_gets_nothing_sent_and_no_case(stack):
    author = "80" + _id()
    comment = _send(stack, "Make $5000 a week from home!!! DM me now http://spam.example", author)
    stored = wait_for(lambda: _suppressed(stack, comment), timeout=5)
    assert stored["decision_action"]["S"] == "suppress" and stored["decision_intent"]["S"] == "spam"
    time.sleep(SETTLE)
    assert not _replies(stack, comment) and _case(stack, author) is None


def test_our_own_comment_gets_nothing(stack):
    comment = _send(stack, "Thanks everyone for the lovely comments!", DEMO_PAGE_ID, author_name="Northwind")
    stored = wait_for(lambda: _suppressed(stack, comment), timeout=5)
    assert stored["decision_action"]["S"] == "suppress"
    assert "our own message" in [r["S"] for r in stored["decision_reasons"]["L"]]
    time.sleep(SETTLE)
    assert not _replies(stack, comment)


def test_consecutive_replies_to_one_author_differ(stack):
    author = "81" + _id()
    texts = [
        _reply(stack, _send(stack, "Love this, thank you!", author, author_name="Alex Moor", post_id=_post()))
        for _ in range(3)
    ]
    assert len(set(texts)) == 3, texts


def test_replies_under_one_post_differ(stack):
    post = _post()
    texts = [
        # one first name for all, so only the wording can tell the replies apart
        _reply(stack, _send(stack, "Love this, thank you!", "82" + _id(), author_name=f"Alex {s}", post_id=post))
        for s in ("Moor", "Reyes", "Okafor", "Lind")
    ]
    assert len(set(texts)) == 4, texts
