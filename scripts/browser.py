"""Headless Debian chromium helpers shared by the widget's browser test and benchmark."""

from __future__ import annotations

import time

from playwright.sync_api import Page

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def wait_until_ready(page: Page, timeout_s: float = 30) -> None:
    """Wait for window.KefuWidget.ready.

    Polls with page.evaluate: Playwright's wait_for_function evaluates a string
    in the page, which the demo page's CSP (rightly) forbids.
    """
    deadline = time.monotonic() + timeout_s
    while not page.evaluate("() => !!(window.KefuWidget && window.KefuWidget.ready)"):
        if time.monotonic() > deadline:
            raise TimeoutError("the widget did not become ready")
        time.sleep(0.02)
