"""The widget's weight and speed in a real browser (`make bench-widget`).

- transferred size: what a visitor downloads for the widget (gzip), chart library included;
- page load until the widget is ready (window.KefuWidget.ready);
- send until the answer is shown, in the browser.
Figures, not assertions.
"""

from __future__ import annotations

import gzip
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bot.knowledge.paths import store_path
from bot.web.app import STATIC_DIR, VENDOR
from scripts.browser import CHROMIUM_ARGS, wait_until_ready
from scripts.stack import free_port, running_stack, running_web

ASSETS = [STATIC_DIR / "widget.js", STATIC_DIR / "widget.css", *VENDOR.values()]
QUESTIONS = ["客服主管工资多少", "要考什么证", "那二线城市呢", "客服总监的职责", "出处是哪里"]
LOADS = 5


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def main() -> None:
    sizes = {p.name: gzip_size(p) for p in ASSETS}
    print(f"widget transferred size (gzip): {sum(sizes.values()) / 1024:.1f} KB")
    for name, size in sizes.items():
        print(f"  {name}: {size / 1024:.1f} KB")
    web_port = free_port()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        workdir = Path(tmp)
        origin = f"http://127.0.0.1:{web_port}"
        with (
            running_stack(workdir, store_path(), cors=[origin]) as stack,
            running_web(workdir, stack.url, web_port) as web,
        ):
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
            )
            ready = []
            for _ in range(LOADS):
                context = browser.new_context()
                page = context.new_page()
                started = time.perf_counter()
                page.goto(web)
                wait_until_ready(page)
                ready.append((time.perf_counter() - started) * 1000)
                context.close()
            page = browser.new_context().new_page()
            page.goto(web)
            wait_until_ready(page)
            page.click(".kefu-launcher")
            page.wait_for_selector(".kefu-msg.kefu-bot")
            answers = []
            for question in QUESTIONS:
                before = page.locator(".kefu-msg.kefu-bot").count()
                page.fill(".kefu-input", question)
                started = time.perf_counter()
                page.press(".kefu-input", "Enter")
                page.locator(".kefu-msg.kefu-bot").nth(before).wait_for()
                answers.append((time.perf_counter() - started) * 1000)
            browser.close()
    report("page load until widget ready", ready)
    report("send until answer shown", answers)


def report(what: str, millis: list) -> None:
    print(
        f"{what}: median {statistics.median(millis):.0f} ms "
        f"(min {min(millis):.0f}, max {max(millis):.0f}, n={len(millis)})"
    )


if __name__ == "__main__":
    main()
