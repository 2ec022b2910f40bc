"""The widget in a real browser (Debian's chromium, headless) against the real stack."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from scripts.browser import wait_until_ready
from scripts.stack import ROOT, free_port, running_stack, running_web

pytestmark = pytest.mark.e2e

SCREENSHOTS = ROOT / "results" / "screenshots"
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def servers(seeds, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("widget")
    web_port = free_port()
    page_origin = f"http://127.0.0.1:{web_port}"
    # Rasa accepts cross-origin calls from the page's own origin only.
    with (
        running_stack(workdir, seeds.store, cors=[page_origin]) as stack,
        running_web(workdir, stack.url, web_port) as web,
    ):
        yield stack, web


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    wait_until_ready(page)
    page.click(".kefu-launcher")
    expect(page.locator(".kefu-panel")).to_be_visible()


def send(page: Page, text: str) -> None:
    page.fill(".kefu-input", text)
    page.press(".kefu-input", "Enter")


def last_bot_text(page: Page):
    return page.locator(".kefu-msg.kefu-bot .kefu-text").last


def test_widget_conversation_in_the_browser(servers, browser):
    stack, web = servers
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dialogs = []
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    open_widget(page, web)
    expect(page.locator(".kefu-msg.kefu-bot").first).to_contain_text(
        "客服职业助手", timeout=TIMEOUT_MS
    )

    send(page, "一线城市资深客服主管工资多少")
    answer = page.locator(".kefu-msg.kefu-bot", has_text="18000-30000")
    expect(answer).to_be_visible(timeout=TIMEOUT_MS)
    expect(answer).to_contain_text("30000")
    expect(page.locator(".kefu-chart canvas").first).to_be_visible(timeout=TIMEOUT_MS)
    page.screenshot(path=str(SCREENSHOTS / "desktop.png"))

    page.locator(".kefu-quick", has_text="客服总监要考什么证").first.click()
    expect(page.locator(".kefu-msg.kefu-bot", has_text="客服总监的证书")).to_be_visible(
        timeout=TIMEOUT_MS
    )

    page.reload()
    wait_until_ready(page)
    if not page.locator(".kefu-panel").is_visible():
        page.click(".kefu-launcher")
    expect(page.locator(".kefu-msg.kefu-bot", has_text="客服总监的证书")).to_be_visible()
    send(page, "那工资呢")  # the same sender: the role 客服总监 is remembered
    expect(page.locator(".kefu-msg.kefu-bot", has_text="客服总监的薪资")).to_be_visible(
        timeout=TIMEOUT_MS
    )

    send(page, "<img src=x onerror=alert(1)>")
    expect(page.locator(".kefu-msg.kefu-user .kefu-text").last).to_have_text(
        "<img src=x onerror=alert(1)>"
    )
    expect(page.locator(".kefu-messages img")).to_have_count(0)
    page.wait_for_timeout(500)
    assert dialogs == []

    mobile = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = mobile.new_page()
    open_widget(phone, web)
    box = phone.locator(".kefu-panel").bounding_box()
    assert box["width"] >= 380 and box["height"] >= 800  # full screen below 600 px
    expect(phone.locator(".kefu-msg.kefu-bot").first).to_be_visible(timeout=TIMEOUT_MS)
    phone.wait_for_timeout(500)  # let the opening animation finish before the picture
    phone.screenshot(path=str(SCREENSHOTS / "mobile.png"))
    mobile.close()

    stack.procs["rasa"].terminate()
    stack.procs["rasa"].wait(timeout=30)
    send(page, "客服专员要什么学历")
    expect(page.locator(".kefu-error")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".kefu-retry")).to_be_visible()
    expect(page.locator(".kefu-msg.kefu-user", has_text="客服专员要什么学历")).to_be_visible()
    context.close()


def test_page_has_no_inline_script_and_a_strict_csp(servers, browser):
    _, web = servers
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(web)
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert page.locator("script:not([src])").count() == 0
    context.close()
