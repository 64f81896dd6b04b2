"""The HTML reports in a real headless browser (Debian's chromium), offline: no console error,
no request leaves the page, every chart an SVG of some size, the Chinese text drawn, a
screenshot, and printing to A4 PDF.

Without the browser the test skips, naming the command that installs it; under CI it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import rubric
from conftest import ANHUI, EXAMPLES, ROOT

BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-headless-shell")
INSTALL = "apt-get install -y chromium fonts-wqy-microhei"
# Everything that could reach the network or pop up is switched off; the sandbox needs a user
# namespace that containers (and CI, as root) do not give.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = ROOT / "tests" / "screenshots"


def browser_path() -> str:
    found = next((path for path in BROWSERS if Path(path).exists()), None)
    if found is None:
        message = f"no headless chromium at {' or '.join(BROWSERS)}; install it: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    anhui = rubric.load(ANHUI)
    verified = rubric.Evaluation(anhui, rubric.load_units(anhui, EXAMPLES / "evaluation_2019.xlsx"))
    claimed = rubric.Evaluation(
        anhui, rubric.load_units(anhui, EXAMPLES / "self_assessment_2019.csv")
    )
    out = tmp_path_factory.mktemp("browser")
    rubric.write_report(verified, out, compare=claimed)
    return out


def test_reports_in_a_real_browser(reports: Path) -> None:
    executable = browser_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
        if "WenQuanYi" not in fonts:
            message = f"no Chinese font for the browser; install it: {INSTALL}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
    SHOTS.mkdir(exist_ok=True)
    pages = [reports / "总报告.html", reports / "分报告" / "baihe_白河县总工会.html"]
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=ARGS)
        try:
            for path in pages:
                check_page(browser, path)
        finally:
            browser.close()


def check_page(browser: Any, path: Path) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    url = path.as_uri()
    page.goto(url, wait_until="load")
    assert errors == []
    assert requests == [url]  # the page itself, and nothing else
    sizes = page.eval_on_selector_all(
        "figure.chart > *:first-child",
        "els => els.map(e => [e.tagName, e.getBoundingClientRect().width,"
        " e.getBoundingClientRect().height])",
    )
    assert sizes, "no chart"
    assert all(tag == "svg" and w > 100 and h > 50 for tag, w, h in sizes), sizes
    assert page.inner_text("h1").endswith(("总报告", "分报告"))
    # The text is drawn with a Chinese font: a line of CJK is as wide as its characters.
    width = page.evaluate(
        "() => { const s = document.createElement('span');"
        " s.textContent = '绩效评价'; document.body.appendChild(s);"
        " const w = s.getBoundingClientRect().width; s.remove(); return w; }"
    )
    size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert abs(width - 4 * size) < 2, (width, size)
    shot = SHOTS / f"{path.stem}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.close()
