"""Issue 7's triage failure classes 2-7 through the whole stack: a signed comment in, the reply and the case out.

For each class but the false alarms (which are praise) the customer must not get the praise template,
complaints and safety reports must get a reply that shows apology or concern, and a person must get a case
with the right priority (none for false alarms that need no one, and never a P1 page for slang). The messages
are our own, not corpus rows; each test uses its own author ids, so tests sharing the session's stack never
meet.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from ackline.domain.guardrails import wording_violations
from ackline.domain.policy import default_policy
from ackline_local.webhooks import facebook_feed_comment, signed_meta_request
from tests.running_stack import RunningStack, wait_for

POLICY = default_policy()
WAIT = 15.0  # the machine is shared: generous, and only ever waited out when something is wrong
SETTLE = 2.0  # long enough for a case that was coming to have arrived
# the praise template as it renders (with and without the first name), to be recognised at a reply's start
PRAISE_OPENINGS = tuple(v.format(name=n)[:30] for v in POLICY.templates["praise"].default for n in ("", ", Sam"))


def _id() -> str:
    return str(uuid.uuid4().int)[:15]


def _send(stack: RunningStack, text: str, author_id: str) -> str:
    payload = facebook_feed_comment(text, author_id=author_id, author_name="Sam Okafor")
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    return str(payload["entry"][0]["changes"][0]["value"]["comment_id"])


def _reply(stack: RunningStack, comment_id: str, praise_fits: bool = False) -> str:
    def sent() -> list[str]:
        calls = stack.sandbox_calls()
        return [c["body"]["message"] for c in calls if c["path"].endswith(f"/{comment_id}/comments") and not c["fault"]]

    replies = wait_for(sent, timeout=WAIT)
    assert len(replies) == 1, replies
    reply = str(replies[0])
    assert praise_fits or not reply.startswith(PRAISE_OPENINGS), reply
    assert not wording_violations(reply, POLICY), reply
    return reply


def _case(stack: RunningStack, author_id: str) -> dict[str, Any] | None:
    cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
    return next((c for c in cases if c["author_id"] == author_id), None)


def _wait_case(stack: RunningStack, author_id: str) -> dict[str, Any]:
    case = wait_for(lambda: _case(stack, author_id), timeout=WAIT)
    assert case, f"no case for {author_id}"
    return dict(case)


def _apologises(reply: str) -> bool:
    return "sorry" in reply.lower()


def _shows_concern(reply: str) -> bool:
    lowered = reply.lower()
    return any(word in lowered for word in ("sorry", "seriously", "priority", "concern"))


@pytest.mark.parametrize(
    ("failure_class", "text"),
    [
        ("2 plain problem", "the router keeps dropping out every evening since Friday"),
        ("2 plain problem", "app won't open since last night's update"),
        ("3 sarcasm", "Amazing how you managed to lose my parcel for the second time"),
        ("3 mixed", "the waiter was lovely but the table was filthy"),
        ("4 question complaint", "Three staff on the whole floor on a bank holiday, seriously?"),
        ("4 question complaint", "how many times do I have to ring you before someone calls back?"),
    ],
)
def test_problems_sarcasm_and_complaining_questions_get_an_apology_and_a_p2_case(stack, failure_class, text):
    author = "91" + _id()
    reply = _reply(stack, _send(stack, text, author))
    assert _apologises(reply) and POLICY.offline_channel.phrase in reply, (failure_class, reply)
    case = _wait_case(stack, author)
    assert case["priority"] == "P2", (failure_class, case["reasons"])


@pytest.mark.parametrize(
    ("failure_class", "text", "cue"),
    [
        ("5 fraud", "there's a card payment on my statement I don't recognise from your site", "crisis:"),
        ("5 security", "someone is sending phishing emails pretending to be from you", "crisis:"),
        ("6 safety", "my new phone is overheating while it charges", "safety:"),
        ("6 safety", "the battery on my e-bike is swollen", "safety:"),
    ],
)
def test_fraud_security_and_safety_get_concern_and_a_p1_case(stack, failure_class, text, cue):
    author = "92" + _id()
    reply = _reply(stack, _send(stack, text, author))
    assert _shows_concern(reply), (failure_class, reply)
    case = _wait_case(stack, author)
    assert case["priority"] == "P1" and any(r.startswith(cue) for r in case["reasons"]), case["reasons"]


@pytest.mark.parametrize(
    "text", ["this new mango flavour is fire 🔥", "your delivery drivers are killing it this week"]
)
def test_slang_praise_pages_nobody(stack, text):
    author = "93" + _id()
    reply = _reply(stack, _send(stack, text, author), praise_fits=True)
    assert not _apologises(reply), reply
    time.sleep(SETTLE)
    case = _case(stack, author)
    # thanked, or — when the engine is unsure of slang — a neutral acknowledgement and a routine case; never a page
    assert case is None or case["priority"] in {"P3", "P4"}, case


def test_a_price_that_hurt_but_was_worth_it_is_no_emergency(stack):
    author = "94" + _id()
    reply = _reply(stack, _send(stack, "the price hurt my wallet a bit but honestly worth it", author))
    assert not _apologises(reply), reply
    time.sleep(SETTLE)
    case = _case(stack, author)
    assert case is None or case["priority"] in {"P3", "P4"}, case


def test_a_general_question_is_pointed_to_the_help_pages_and_an_own_case_one_reaches_a_person(stack):
    general, own = "93" + _id(), "94" + _id()
    reply = _reply(stack, _send(stack, "Hi, do you do gift wrapping on online orders at Christmas?", general))
    own_reply = _reply(stack, _send(stack, "can I still change the delivery address on my order 55120934?", own))
    assert not _apologises(own_reply)
    case = _wait_case(stack, own)
    assert case["priority"] == "P3"
    # a generic question is pointed to the help pages, or (when the model is unsure it is generic) answered by a
    # person: never left without one of the two
    time.sleep(SETTLE)
    assert "northwind.example/help" in reply or _case(stack, general) is not None, reply
