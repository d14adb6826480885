"""The queue page's crisis-mode banner: shown while crisis mode is on, as text, gone once it is off."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _press(stack, **switch) -> None:
    answer = requests.post(
        stack.gateway + "/api/crisis", json=switch, headers={"Authorization": f"Bearer {stack.staff_token}"}, timeout=10
    )
    assert answer.status_code == 200, answer.text


def test_the_banner_shows_while_crisis_mode_is_on(stack, page):
    account = "facebook#<b>104455</b>"  # an odd account id stays text
    _press(stack, on=True, account=account)
    try:
        page.goto(stack.gateway + "/queue")
        page.fill("#token", stack.staff_token)
        page.click("#refresh")
        banner = page.locator("#crisis-banner")
        expect(banner).to_be_visible(timeout=10_000)
        expect(banner).to_contain_text("Crisis mode is on for facebook#<b>104455</b>")
        assert banner.locator("b").count() == 0
    finally:
        _press(stack, on=False, account=account)
    page.click("#refresh")
    expect(page.locator("#crisis-banner")).to_be_hidden(timeout=10_000)
