"""A support agent's whole job on the queue page, in a real browser against the local stack: a complaint arrives,
the agent claims it, answers with a saved reply (one call at the platform, shown as a human reply), writes a note,
resolves it; the customer writes again and the case is back. Customer markup stays text throughout; the page works
at a phone's 375 px width."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ackline_local.webhooks import facebook_feed_comment, signed_meta_request
from tests.running_stack import wait_for

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=\"document.title='pwned'\"><script>alert(1)</script>"


def _send(stack, payload) -> None:
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200


def _replies_under(stack, comment_id: str) -> list[dict]:
    return [c for c in stack.sandbox_calls() if c["path"].endswith(f"/{comment_id}/comments") and not c["fault"]]


def _screenshot_dir(tmp_path: Path) -> Path:
    return Path(os.environ.get("ACKLINE_SCREENSHOT_DIR") or tmp_path)


def test_claim_reply_with_a_saved_reply_note_resolve_and_the_customer_reopens(stack, page, tmp_path):
    marker = "blender" + uuid.uuid4().hex[:6]
    author = "7700" + uuid.uuid4().hex[:10]
    complaint = facebook_feed_comment(
        f"My {marker} arrived cracked and nobody answers {HOSTILE}", author_id=author, author_name="Dana Rivers"
    )
    comment_id = complaint["entry"][0]["changes"][0]["value"]["comment_id"]
    _send(stack, complaint)
    assert wait_for(lambda: _replies_under(stack, comment_id), timeout=15)  # ackline's acknowledgement went out
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(stack.gateway + "/queue")
    page.fill("#token", stack.staff_token)
    page.fill("#search", marker)
    page.click("#refresh")
    row = page.locator("tr.case", has_text=marker)
    row.wait_for(timeout=15_000)
    expect(row).to_contain_text("unclaimed")
    # hostile customer text is shown as text and never runs
    assert "<script>alert(1)</script>" in row.inner_text() and row.locator("img, script").count() == 0
    row.click()
    detail = page.locator("#detail")
    expect(detail).to_contain_text("Why it reached you")
    # claim with the keyboard
    page.locator("body").press("c")
    expect(detail).to_contain_text("held by you")
    # answer with a saved reply, clicking twice as people do
    page.select_option("#saved-reply", label="Need order number")
    text = page.input_value("#reply-text")
    assert text.startswith("Thank you for letting us know, Dana.")
    page.dblclick("#send-reply")

    def human_calls():
        return [c for c in _replies_under(stack, comment_id) if c["body"].get("message") == text]

    assert wait_for(lambda: human_calls(), timeout=15)
    page.wait_for_timeout(1500)
    assert len(human_calls()) == 1  # exactly one call at the platform
    for _ in range(40):  # the thread shows it as a person's reply once the responder has sent it
        if detail.locator(".msg.human", has_text="sent").count():
            break
        page.wait_for_timeout(250)
        page.click("#refresh")
    expect(detail.locator(".msg.human").first).to_contain_text("Human reply by staff@localhost · sent")
    # an internal note: in the thread, never sent
    page.fill("#note-text", "Asked the courier for the delivery photo")
    page.click("#add-note")
    expect(detail.locator(".msg.note")).to_contain_text("Asked the courier for the delivery photo")
    assert not [c for c in stack.sandbox_calls() if "courier" in str(c["body"])]
    page.screenshot(path=str(_screenshot_dir(tmp_path) / "queue-desktop.png"), full_page=True)
    # resolve with the keyboard
    page.locator("body").press("e")
    expect(detail).to_contain_text("P2 · resolved")
    # the customer writes again: the same case comes back
    _send(stack, facebook_feed_comment(f"Still waiting about my {marker}", author_id=author, author_name="Dana Rivers"))
    for _ in range(60):
        page.click("#refresh")
        page.wait_for_timeout(250)
        if "reopened by customer" in detail.inner_text():
            break
    expect(detail).to_contain_text("reopened by customer")
    expect(detail).to_contain_text("P2 · open")
    assert page.title() != "pwned" and not dialogs


def test_the_queue_works_at_phone_width_and_overdue_cases_turn_red(stack, browser, tmp_path):
    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        marker = "kettle" + uuid.uuid4().hex[:6]
        _send(
            stack,
            facebook_feed_comment(
                f"My {marker} leaks everywhere, this is unacceptable", author_id="7701" + uuid.uuid4().hex[:10]
            ),
        )
        page.clock.install()  # the page's own clock, so the test can move it on instead of waiting two hours
        page.goto(stack.gateway + "/queue")
        page.fill("#token", stack.staff_token)
        page.fill("#search", marker)
        page.click("#refresh")
        row = page.locator("tr.case", has_text=marker)
        row.wait_for(timeout=15_000)
        # nothing wider than the screen: no sideways scrolling on a phone
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        row.click()
        expect(page.locator("#reply-text")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        # a countdown: due within the hour now; two hours later (the browser's clock moved on) it is overdue, in red
        sla = row.locator(".sla")
        expect(sla).to_contain_text("due in")
        page.clock.fast_forward("02:00:00")
        expect(sla).to_contain_text("overdue", timeout=5_000)
        assert "overdue" in (sla.get_attribute("class") or "")
        color = sla.evaluate("n => getComputedStyle(n).color")
        assert color == "rgb(180, 35, 24)"
        page.screenshot(path=str(_screenshot_dir(tmp_path) / "queue-phone.png"), full_page=True)
    finally:
        context.close()
