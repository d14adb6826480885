"""The queue page's sign-in configuration: only sound auth URLs reach the page and its CSP."""

import pytest

from ackline.http.queue_page import auth_server, render


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        (
            "https://ackline-dev-1.auth.eu-west-1.amazoncognito.com",
            "https://ackline-dev-1.auth.eu-west-1.amazoncognito.com",
        ),
        ("https://login.example.com/tenant/", "https://login.example.com"),
        ("http://127.0.0.1:4010/cognito", "http://127.0.0.1:4010"),
        ("http://localhost:4010/cognito", "http://localhost:4010"),
    ],
)
def test_sound_urls_are_used(url, origin):
    auth = auth_server(url, "client_1")
    assert auth is not None and auth.origin == origin


@pytest.mark.parametrize(
    "url",
    [
        "http://login.example.com",  # unencrypted off loopback
        "https://user:pw@login.example.com",
        "https://login.example.com/?next=evil",
        "https://login.example.com/#x",
        "javascript:alert(1)",
        "https://login.example.com 'unsafe-inline'",
        "https://exa mple.com",
        "ftp://login.example.com",
    ],
)
def test_unsound_urls_turn_sign_in_off(url):
    assert auth_server(url, "client_1") is None


def test_client_id_must_look_like_one_and_both_settings_are_needed():
    assert auth_server("https://login.example.com", "a b") is None
    assert auth_server("https://login.example.com", "") is None
    assert auth_server("", "client_1") is None


def test_render_embeds_escaped_config_and_scopes_connect_src():
    page, csp = render("https://login.example.com/t", "client_1")
    assert 'content="{&quot;url&quot;:&quot;https://login.example.com/t&quot;' in page
    assert "connect-src 'self' https://login.example.com;" in csp
    plain_page, plain_csp = render("", "")
    assert "connect-src 'self';" in plain_csp and '<meta name="ackline-auth" content="">' in plain_page
