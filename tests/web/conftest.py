"""Debian's headless chromium, shared by the widget and HR console browser tests."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import sync_playwright

from scripts.browser import CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is required: make browser"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
