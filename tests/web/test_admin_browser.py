"""The HR console in headless Debian chromium: login, charts drawn, a CSV downloaded."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scripts.stack import ROOT
from tests.web.test_admin import TOKEN, console, make_store

SCREENSHOT = ROOT / "results" / "screenshots" / "admin.png"  # docs/admin.png is a reviewed copy


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("admin-browser")
    store = make_store(workdir / "tracker.db")
    env = {"ADMIN_TOKEN": TOKEN, "TRACKER_DB_URL": f"sqlite:///{store}"}
    with console(workdir, env) as client:
        yield f"http://{client.host}:{client.port}"


def wait_for_charts(page: Page, timeout_s: float = 30) -> None:
    """Poll window.KefuAdmin.ready (wait_for_function would evaluate a string: CSP says no)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate("() => !!(window.KefuAdmin && window.KefuAdmin.ready)"):
        if time.monotonic() > deadline:
            raise TimeoutError("the console's charts were not drawn")
        time.sleep(0.05)


def test_console_in_the_browser(base, browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 1200}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    page.goto(f"{base}/admin")
    expect(page.locator("form[action='/admin/login']")).to_be_visible()
    page.fill("#token", "wrong")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_have_text("令牌不正确。")
    page.fill("#token", TOKEN)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("客服职业助手 · HR 控制台")
    errors.clear()  # the login page itself is a 401, which chromium logs as an error

    wait_for_charts(page)
    for canvas in ("#chart-daily", "#chart-channels"):
        box = page.locator(canvas).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, canvas
    charts = page.evaluate(
        """() => Object.values(window.KefuAdmin.charts).map(c => ({
            instance: c instanceof window.Chart,
            type: c.config.type,
            points: c.data.datasets.reduce((n, d) => n + d.data.length, 0),
        }))"""
    )
    assert [c["type"] for c in charts] == ["bar", "doughnut"]
    assert all(c["instance"] and c["points"] > 0 for c in charts)
    expect(page.locator("section table").first).to_contain_text("天气")
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    with page.expect_download() as download_info:
        page.click("a[href='/admin/export/clusters.csv']")
    download = download_info.value
    assert download.suggested_filename == "clusters.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header == ["分组", "次数", "代表问题", "例子", "原因", "预测意图", "最近一次"]

    assert page.locator("script:not([src])").count() == 0
    assert errors == []
    context.close()
