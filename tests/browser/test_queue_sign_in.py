"""Hosted sign-in on the queue page (authorization code + PKCE) against the sandbox's fake Cognito hosted UI."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _stored_token(page) -> str | None:
    token: str | None = page.evaluate("() => sessionStorage.getItem('ackline-token')")
    return token


def test_sign_in_with_the_hosted_ui_loads_the_queue(stack, page):
    # Given a browser with nothing stored
    token_requests: list[str] = []
    page.on("request", lambda r: token_requests.append(r.method) if r.url.endswith("/oauth2/token") else None)
    page.goto(stack.gateway + "/queue")
    expect(page.locator("#status-line")).to_contain_text("Not signed in")
    assert _stored_token(page) is None
    # When the person clicks "Sign in" (the fake hosted UI signs the local staff member in at once)
    with page.expect_request(lambda r: "/cognito/oauth2/authorize?" in r.url) as authorize:
        page.get_by_role("button", name="Sign in").click()
    query = parse_qs(urlsplit(authorize.value.url).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"] == [stack.gateway + "/queue"] and query["scope"] == ["openid email"]
    # Then they are back on the queue, signed in, with cases loading and no code left in the URL
    expect(page.locator("#status-line")).to_contain_text("case(s)", timeout=10_000)
    assert page.url == stack.gateway + "/queue"
    assert _stored_token(page) == stack.staff_token
    assert token_requests == ["POST"]
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_hidden()
    # And signing out clears the token and comes back through the hosted UI's logout
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.url == stack.gateway + "/queue" and _stored_token(page) is None


def test_a_tampered_state_is_refused_and_stores_no_token(stack, page):
    token_requests: list[str] = []
    page.on("request", lambda r: token_requests.append(r.url) if "/oauth2/token" in r.url else None)

    # Given an attacker's response: the authorization server answers with a state this browser never sent
    def tamper(route):
        parts = urlsplit(route.request.url)
        query = parse_qs(parts.query)
        query["state"] = ["forged-state"]
        route.continue_(url=f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query, doseq=True)}")

    page.route("**/cognito/oauth2/authorize?*", tamper)
    page.goto(stack.gateway + "/queue")
    # When the person signs in
    page.get_by_role("button", name="Sign in").click()
    # Then the page says the sign-in failed, never trades the code and stores no token
    status_line = page.locator("#status-line")
    expect(status_line).to_contain_text("Sign-in failed", timeout=10_000)
    expect(status_line).to_have_class("error")
    assert "code=" not in page.url
    assert _stored_token(page) is None and token_requests == []
    assert page.locator("tr.case").count() == 0


def test_the_csp_lets_the_page_reach_the_sign_in_service_only(stack):
    response = requests.get(stack.gateway + "/queue", timeout=5)
    directives = dict(d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"].split(";"))
    assert directives["connect-src"].split() == ["'self'", stack.sandbox]
    assert 'name="ackline-auth"' in response.text and "/cognito" in response.text
