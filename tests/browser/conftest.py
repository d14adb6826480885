"""Headless Debian Chromium driven by Playwright (it never downloads a browser of its own)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.running_stack import stack  # noqa: F401  (the running local stack, shared with the e2e suite)

# Flags the machine needs: no sandbox as root, and no background calls to the outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian chromium is not installed: `make test` installs it (make browser)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()
