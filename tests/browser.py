"""Open a report in headless Chromium (Debian's chromium and chromium-driver) with selenium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=1280,1600")  # fmt: skip


def need_browser():
    """Skip without Chromium, except in CI (.ci/run installs it and sets CORRIDOR_BROWSER=1)."""
    have = Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
    try:
        import selenium  # noqa: F401
    except ImportError:
        have = False
    if not have:
        if os.environ.get("CORRIDOR_BROWSER"):
            pytest.fail("CORRIDOR_BROWSER is set but chromium, chromedriver or selenium is missing")
        pytest.skip("no headless Chromium (apt-get install chromium chromium-driver)")


def open_report(path: Path, screenshot: Path | None = None) -> dict:
    """Load ``path``; return the console messages, the charts' rendered sizes and the number of
    network requests other than the file itself."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for f in FLAGS:
        opts.add_argument(f)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        driver.get(path.resolve().as_uri())
        charts = driver.execute_script(
            "return Array.from(document.querySelectorAll('figure.chart')).map(f => {"
            " const s = f.querySelector('svg'); const r = s ? s.getBoundingClientRect() : null;"
            " return {key: f.dataset.chart, w: r ? r.width : 0, h: r ? r.height : 0,"
            " paths: s ? s.querySelectorAll('path').length : 0,"
            " download: !!f.querySelector('a[download][href^=\"data:text/csv\"]')}; })"
        )
        requests = [
            e for e in driver.get_log("performance")
            if '"Network.requestWillBeSent"' in e["message"] and "file://" not in e["message"]
            and "data:" not in e["message"]
        ]  # fmt: skip
        console = driver.get_log("browser")
        if screenshot is not None:
            height = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(1280, min(int(height) + 50, 16000))
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(screenshot))
        return {"charts": charts, "console": console, "requests": requests}
    finally:
        driver.quit()


def copy_alone(report: Path, where: Path) -> Path:
    """The report copied into an empty directory: it must not need the files beside it."""
    where.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(report, where / report.name))
