"""The staff API on the running local stack, over HTTP: search and pages, concurrent claims, a person's reply sent
exactly once through the Responder to the platform sandbox, notes, resolve, and the customer reopening the case."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from ackline_local.webhooks import facebook_feed_comment, messenger_message, signed_meta_request
from tests.running_stack import RunningStack, wait_for


def _as(stack: RunningStack, person: str) -> dict[str, str]:
    # locally `<token>#<name>` signs in as another person (the emulated JWT authorizer's claims)
    return {"Authorization": f"Bearer {stack.staff_token}#{person}"}


def _post(stack: RunningStack, path: str, person: str = "ana@brand.example", **kwargs) -> requests.Response:
    headers = _as(stack, person) | kwargs.pop("headers", {})
    return requests.post(stack.gateway + path, headers=headers, timeout=20, **kwargs)


def _get(stack: RunningStack, path: str, person: str = "ana@brand.example", **kwargs) -> requests.Response:
    return requests.get(stack.gateway + path, headers=_as(stack, person), timeout=20, **kwargs)


def _complaint_case(stack: RunningStack, text: str, author_id: str, **extra) -> dict:
    payload = facebook_feed_comment(text, author_id=author_id, **extra)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200

    def found():
        cases = _get(stack, "/api/cases", params={"status": "active", "q": text[:30]})
        return next((c for c in cases.json()["cases"] if c["author_id"] == author_id), None)

    case = wait_for(found, timeout=15)
    assert case, "the complaint never became a case"
    return case


def _comment_replies(stack: RunningStack, comment_id: str) -> list[dict]:
    return [c for c in stack.sandbox_calls() if c["path"].endswith(f"/{comment_id}/comments") and not c["fault"]]


def test_twenty_concurrent_claims_exactly_one_succeeds_the_others_get_409_with_the_holder(stack):
    case = _complaint_case(
        stack, f"parcel {uuid.uuid4().hex[:8]} arrived broken", author_id="8800" + str(time.time_ns())[-10:]
    )
    path = f"/api/cases/{case['case_id']}/claim"
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda n: _post(stack, path, person=f"agent{n}@brand.example"), range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 19
    winner = next(r.json()["claimed_by"] for r in responses if r.status_code == 200)
    assert {r.json()["held_by"] for r in responses if r.status_code == 409} == {winner}
    # the holder is shown, and the "mine" view is the holder's
    mine = _get(stack, "/api/cases", person=winner, params={"status": "claimed", "assignee": "me"}).json()["cases"]
    assert [c["case_id"] for c in mine] == [case["case_id"]]
    other = _get(stack, "/api/cases", person="agent99@brand.example", params={"status": "claimed", "assignee": "me"})
    assert case["case_id"] not in [c["case_id"] for c in other.json()["cases"]]


def test_a_persons_reply_goes_out_once_is_marked_human_and_the_customer_writing_again_reopens_the_case(stack):
    author = "8801" + str(time.time_ns())[-10:]
    case = _complaint_case(stack, f"order {uuid.uuid4().hex[:6]} arrived smashed, very disappointed", author_id=author)
    case_id = case["case_id"]
    detail = _get(stack, f"/api/cases/{case_id}").json()
    comment_id = detail["conversation"][0]["key"].split("#", 1)[1]
    assert wait_for(lambda: _comment_replies(stack, comment_id), timeout=15)  # ackline's own acknowledgement
    saved = {r["name"]: r["text"] for r in detail["saved_replies"]}
    assert "Need order number" in saved
    assert _post(stack, f"/api/cases/{case_id}/claim").status_code == 200
    # the same reply sent twice with one Idempotency-Key (a double click)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = _post(stack, f"/api/cases/{case_id}/reply", json={"text": saved["Need order number"]}, headers=key)
    second = _post(stack, f"/api/cases/{case_id}/reply", json={"text": saved["Need order number"]}, headers=key)
    assert first.status_code == 200 and second.status_code == 200, (first.text, second.text)
    assert not first.json()["repeated"] and second.json()["repeated"]
    assert first.json()["reply"]["event_id"] == second.json()["reply"]["event_id"]

    def human_calls():
        return [
            c for c in _comment_replies(stack, comment_id) if c["body"].get("message") == saved["Need order number"]
        ]

    assert wait_for(lambda: len(human_calls()) == 1, timeout=15)
    time.sleep(1.0)
    assert len(human_calls()) == 1  # and never a second one

    def sent_reply():
        events = _get(stack, f"/api/cases/{case_id}").json()["events"]
        return next((e for e in events if e["kind"] == "human_reply" and e["reply_status"] == "sent"), None)

    reply = wait_for(sent_reply, timeout=15)
    assert reply and reply["by"] == "ana@brand.example" and reply["reply_id"]
    answered = _get(stack, f"/api/cases/{case_id}").json()["case"]
    assert answered["first_human_response_by"] == "ana@brand.example"
    # the two clocks, over HTTP: this case counts on both, the bot's acknowledgement never as a person's
    report = _get(stack, "/api/metrics/sla", params={"since": int(answered["opened_at"]) - 1}).json()
    assert report["automated_ack"]["cases"] >= 1 and report["first_human_response"]["cases"] >= 1
    assert report["first_human_response"]["cases"] <= report["cases"]
    # a note: in the thread, never sent
    note = _post(stack, f"/api/cases/{case_id}/notes", json={"text": "courier says the box was dropped"})
    assert note.status_code == 200 and note.json()["kind"] == "note"
    assert not [c for c in stack.sandbox_calls() if "courier says" in str(c["body"])]
    resolved = _post(stack, f"/api/cases/{case_id}/resolve")
    assert resolved.json()["status"] == "resolved"
    # the customer writes again: the same case comes back, with the new message
    payload = facebook_feed_comment("it is still broken and nobody called me back", author_id=author)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200

    def reopened():
        found = _get(stack, f"/api/cases/{case_id}").json()
        return found if found["case"]["status"] == "open" and len(found["case"]["interaction_keys"]) == 2 else None

    again = wait_for(reopened, timeout=15)
    assert again, "the customer's new message did not reopen their case"
    kinds = [e["kind"] for e in again["events"]]
    assert kinds[:1] == ["claimed"] and {"human_reply", "note", "resolved", "reopened"} <= set(kinds)


def test_a_reply_outside_the_platforms_window_is_refused_with_the_reason(stack):
    sender = "8802" + str(time.time_ns())[-10:]
    old = int((time.time() - 26 * 3600) * 1000)
    payload = messenger_message("my order never arrived and I am upset", sender_id=sender, timestamp_ms=old)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200

    def case():
        return next(
            (
                c
                for c in _get(stack, "/api/cases", params={"platform": "messenger"}).json()["cases"]
                if c["author_id"] == sender
            ),
            None,
        )

    found = wait_for(case, timeout=15)
    assert found
    refused = _post(stack, f"/api/cases/{found['case_id']}/reply", json={"text": "We are sorry."})
    assert refused.status_code == 422
    assert "window closed" in refused.json()["reason"] and not refused.json()["template_needed"]


def test_filters_search_and_pages_over_http(stack):
    marker = uuid.uuid4().hex[:10]
    for n in range(3):
        _complaint_case(stack, f"{marker} item {n} arrived broken", author_id=f"8803{n}" + str(time.time_ns())[-8:])
    pages, cursor, seen = 0, None, []
    while True:
        params = {"status": "active", "q": marker.upper(), "limit": 1, **({"cursor": cursor} if cursor else {})}
        body = _get(stack, "/api/cases", params=params).json()
        seen += [c["case_id"] for c in body["cases"]]
        pages += 1
        cursor = body.get("next_cursor")
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 3
    bad = _get(stack, "/api/cases", params={"status": "active", "q": "other", "cursor": cursor or "garbage"})
    assert bad.status_code in (400, 422)
    assert _get(stack, "/api/cases", params={"status": "nonsense"}).status_code == 422


def _delete(stack: RunningStack, path: str, person: str = "ana@brand.example") -> requests.Response:
    return requests.delete(stack.gateway + path, headers=_as(stack, person), timeout=20)


def test_a_blocked_author_is_stored_never_answered_never_queued_and_forget_erases_them(stack):
    author = "8804" + str(time.time_ns())[-10:]
    case = _complaint_case(stack, f"useless company {uuid.uuid4().hex[:6]}, my parcel is broken", author_id=author)
    blocked = _post(stack, f"/api/authors/facebook/{author}/block")
    assert (
        blocked.status_code == 200 and blocked.json()["blocked"] and blocked.json()["blocked_by"] == "ana@brand.example"
    )
    assert _get(stack, f"/api/cases/{case['case_id']}").json()["author_blocked"]
    assert _post(stack, f"/api/cases/{case['case_id']}/resolve").status_code == 200
    # they write again: stored, but no reply and no case (not even the reopened one)
    payload = facebook_feed_comment("answer me now, still broken", author_id=author)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    comment_id = payload["entry"][0]["changes"][0]["value"]["comment_id"]
    stored = wait_for(
        lambda: any(i["pk"]["S"] == f"INT#facebook#{comment_id}" for i in stack.table_items()), timeout=15
    )
    assert stored
    time.sleep(2.0)  # give the responder and follow-up every chance to (wrongly) act
    assert _comment_replies(stack, comment_id) == []
    assert _get(stack, f"/api/cases/{case['case_id']}").json()["case"]["status"] == "resolved"
    # unblock, then forget: their words and name leave the case, their interactions are deleted
    unblocked = _delete(stack, f"/api/authors/facebook/{author}/block")
    assert unblocked.status_code == 200 and not unblocked.json()["blocked"]
    note = {"text": "Dana Rivers called about the useless company post"}
    assert _post(stack, f"/api/cases/{case['case_id']}/notes", json=note).status_code == 200
    forgotten = _post(stack, f"/api/authors/facebook/{author}/forget")
    assert forgotten.status_code == 200 and forgotten.json()["interactions_erased"] == 2
    scrubbed = _get(stack, f"/api/cases/{case['case_id']}").json()
    assert "useless company" not in str(scrubbed) and author not in str(scrubbed["case"])
    # the work record stays (who did what, when), without what was written about the person
    assert [e["kind"] for e in scrubbed["events"]][-1] == "note" and "Dana" not in str(scrubbed["events"])
    assert not any(author in str(i) for i in stack.table_items() if i["pk"]["S"].startswith("INT#"))


def _echo(page_id: str, customer: str, mid: str, text: str) -> dict:
    """Messenger's echo of a message our Page sent (from ackline, or a person in the Page inbox)."""
    now_ms = int(time.time() * 1000)
    event = {
        "sender": {"id": page_id},
        "recipient": {"id": customer},
        "timestamp": now_ms,
        "message": {"mid": mid, "text": text, "is_echo": True},
    }
    return {"object": "page", "entry": [{"id": page_id, "time": now_ms, "messaging": [event]}]}


def test_an_echo_from_our_page_inbox_records_a_human_response_and_stops_automated_replies(stack):
    from ackline_local.webhooks import DEMO_PAGE_ID

    customer = "8805" + str(time.time_ns())[-10:]
    payload = messenger_message("my order arrived broken, I am really annoyed", sender_id=customer)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200

    def ours():
        def to_customer(body: object) -> bool:
            recipient = body.get("recipient") if isinstance(body, dict) else None
            return isinstance(recipient, dict) and recipient.get("id") == customer

        calls = [c for c in stack.sandbox_calls() if to_customer(c["body"])]
        return [c for c in calls if not c["fault"]]

    acks = wait_for(ours, timeout=15)
    assert len(acks) == 1
    case = wait_for(
        lambda: next(
            (
                c
                for c in _get(stack, "/api/cases", params={"platform": "messenger"}).json()["cases"]
                if c["author_id"] == customer
            ),
            None,
        ),
        timeout=15,
    )
    assert case
    # the echo of ackline's own reply is not a person answering
    own = acks[0]["response"]["message_id"]
    echo_of_ours = _echo(DEMO_PAGE_ID, customer, own, acks[0]["body"]["message"]["text"])
    assert signed_meta_request(echo_of_ours, stack.meta_app_secret).send(stack.gateway)[0] == 200
    # a person answers from the Page inbox
    human = _echo(
        DEMO_PAGE_ID, customer, f"m_inbox_{uuid.uuid4().hex}", "Hi, Sam from the team here, looking into it now"
    )
    assert signed_meta_request(human, stack.meta_app_secret).send(stack.gateway)[0] == 200

    def responded():
        detail = _get(stack, f"/api/cases/{case['case_id']}").json()
        return detail if detail["case"]["first_human_response_at"] else None

    detail = wait_for(responded, timeout=15)
    assert detail and detail["case"]["first_human_response_by"] == "messenger app"
    assert [e["text"] for e in detail["events"] if e["kind"] == "human_response"] == [
        "Hi, Sam from the team here, looking into it now"
    ]
    # the customer writes again: stored and in the case, but ackline stays quiet while a person is on it
    again = messenger_message("ok thank you, waiting for news", sender_id=customer)
    assert signed_meta_request(again, stack.meta_app_secret).send(stack.gateway)[0] == 200
    mid = again["entry"][0]["messaging"][0]["message"]["mid"]

    def settled():
        rows = [i for i in stack.table_items() if i["pk"]["S"] == f"INT#messenger#{mid}"]
        return rows and rows[0].get("reply_status", {}).get("S") not in ("pending", "sending") and rows[0]

    row = wait_for(settled, timeout=15)
    assert row and row["reply_status"]["S"] == "none" and "paused" in row["reply_error"]["S"]
    assert len(ours()) == 1
