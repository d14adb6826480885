"""The queue page in a real browser: cases appear, customer text stays text, staff can claim and resolve."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ackline_local.webhooks import facebook_feed_comment, signed_meta_request, whatsapp_text_message
from tests.running_stack import wait_for

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=\"document.title='pwned'\"> my parcel arrived broken <script>alert(1)</script>"


def _complain(stack, text: str, author_id: str, author_name: str) -> None:
    payload = facebook_feed_comment(text, author_id=author_id, author_name=author_name)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200

    def case_open():
        return any(c["author_id"] == author_id for c in stack.staff_get("/api/cases").json()["cases"])

    assert wait_for(case_open, timeout=10)


def test_queue_shows_cases_as_text_and_staff_can_claim_and_resolve(stack, page, tmp_path):
    # Given a complaint whose text and display name are hostile markup
    _complain(stack, HOSTILE, author_id="555000111", author_name="<b>Mallory</b>")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # When a person opens the queue page with the staff token
    page.goto(stack.gateway + "/queue")
    page.fill("#token", stack.staff_token)
    page.click("#refresh")
    row = page.locator("tr.case", has_text="my parcel arrived broken").first
    row.wait_for(timeout=10_000)
    # Then the customer's markup is shown as text and never runs
    assert "<script>alert(1)</script>" in row.inner_text()
    assert row.locator("img, script, b").count() == 0
    assert "<b>Mallory</b>" in row.inner_text()
    # And opening the case shows why it is here and the whole conversation, with our reply
    row.click()
    detail = page.locator("#detail")
    detail.get_by_text("Why it reached you").wait_for()
    [case] = [c for c in stack.staff_get("/api/cases").json()["cases"] if c["author_id"] == "555000111"]
    assert case["reasons"] and all(reason in detail.inner_text() for reason in case["reasons"])
    # (the reply may land a moment after the case: re-open the case until it shows)
    for _ in range(20):
        if detail.get_by_text("ackline replied").count():
            break
        page.wait_for_timeout(250)
        row.click()
    expect(detail).to_contain_text("ackline replied")
    # And the person can claim it, then resolve it
    detail.get_by_role("button", name="Claim").click()
    expect(detail).to_contain_text("P2 · claimed")
    detail.get_by_role("button", name="Resolve").click()
    expect(detail).to_contain_text("P2 · resolved")
    assert page.title() != "pwned" and not dialogs
    # a picture for people reviewing the page (kept where ACKLINE_SCREENSHOT_DIR says, else pytest's tmp dir)
    shot = Path(os.environ.get("ACKLINE_SCREENSHOT_DIR") or tmp_path) / "ackline-queue.png"
    page.screenshot(path=str(shot), full_page=True)
    statuses = {c["author_id"]: c["status"] for c in stack.staff_get("/api/cases?status=resolved").json()["cases"]}
    assert statuses.get("555000111") == "resolved"


def test_queue_page_without_a_valid_token_says_so(stack, page):
    page.goto(stack.gateway + "/queue")
    page.fill("#token", "wrong-token")
    page.click("#refresh")
    expect(page.locator("#status-line")).to_contain_text("Not signed in")
    assert page.locator("tr.case").count() == 0


def test_queue_page_is_served_with_a_strict_content_security_policy(stack):
    import requests

    response = requests.get(stack.gateway + "/queue", timeout=5)
    csp = response.headers["Content-Security-Policy"]
    assert response.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp and "unsafe-inline" not in csp


def test_queue_page_shows_demand_per_topic_as_text(stack, page):
    # Given a feature request about packaging
    payload = facebook_feed_comment("Please make the packaging plastic free", author_id="555000333")
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200

    def counted():
        return any(t["topic"] == "packaging" for t in stack.staff_get("/api/demand").json()["topics"])

    assert wait_for(counted, timeout=10)
    # When a person opens the queue page, then the demand panel lists the topic with its count
    page.goto(stack.gateway + "/queue")
    page.fill("#token", stack.staff_token)
    page.click("#refresh")
    expect(page.locator("#demand")).to_contain_text("packaging · ")
    assert page.locator("#demand li.error").count() == 0


def test_queue_page_shows_what_whatsapp_reported_about_our_reply(stack, page):
    # Given a WhatsApp message we answered, and WhatsApp reporting our reply failed (hostile text in the error)
    wa_id = "4479" + str(uuid.uuid4().int)[:8]
    payload = whatsapp_text_message("Thanks a lot, lovely service", wa_id=wa_id)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200

    def our_reply():
        calls = [c for c in stack.sandbox_calls() if c["body"].get("to") == wa_id and not c["fault"]]
        return calls and calls[0]["response"]["messages"][0]["id"]

    ours = wait_for(our_reply, timeout=10)
    assert ours
    status = {
        "id": ours,
        "status": "failed",
        "timestamp": "1767300000",
        "recipient_id": wa_id,
        "errors": [{"code": 131026, "title": "<b>Message undeliverable</b>"}],
    }
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "300400500600700"}, "statuses": [status]}
    failed = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "w", "changes": [{"field": "messages", "value": value}]}],
    }
    assert signed_meta_request(failed, stack.meta_app_secret).send(stack.gateway)[0] == 200
    assert wait_for(lambda: any(c["author_id"] == wa_id for c in stack.staff_get("/api/cases").json()["cases"]))
    # When a person opens that case
    page.goto(stack.gateway + "/queue")
    page.fill("#token", stack.staff_token)
    page.click("#refresh")
    row = page.locator("tr.case", has_text="Thanks a lot, lovely service").first
    row.wait_for(timeout=10_000)
    row.click()
    # Then next to "ackline replied" it says the reply failed and why, as text
    delivery = page.locator("#detail .reply .delivery")
    delivery.wait_for(timeout=10_000)
    expect(delivery).to_have_text("failed: 131026 <b>Message undeliverable</b>")
    assert page.locator("#detail .reply b").count() == 0
    expect(page.locator("#detail .reply").first).to_contain_text("ackline replied · sent")
