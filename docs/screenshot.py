"""Take the screenshot docs/evaluation.md shows: the example's 总报告, from 三、总分排名 down.

Run from anywhere, with the project's virtualenv (the test extra: playwright) and Debian's
chromium with a Chinese font (`apt-get install -y chromium fonts-wqy-microhei`):

    .venv/bin/python docs/screenshot.py            # writes docs/report.png

It writes the example evaluation's report folder to a temporary directory, as
`rubric report rubrics/anhui_2019.rub examples/evaluation_2019.xlsx --compare
examples/self_assessment_2019.csv` does, opens 总报告.html offline in the headless browser and
saves 900 × 1450 pixels of it, starting just above the heading of the ranking. Look at the
picture before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-headless-shell")
HEADING = "三、总分排名"
WIDTH, HEIGHT = 900, 1450


def main() -> int:
    from playwright.sync_api import sync_playwright

    import rubric

    browser_path = next((path for path in BROWSERS if Path(path).exists()), None)
    if browser_path is None:
        print(f"no headless chromium at {' or '.join(BROWSERS)}", file=sys.stderr)
        return 1
    anhui = rubric.load(ROOT / "rubrics" / "anhui_2019.rub")
    examples = ROOT / "examples"
    verified = rubric.Evaluation(anhui, rubric.load_units(anhui, examples / "evaluation_2019.xlsx"))
    claimed = rubric.Evaluation(
        anhui, rubric.load_units(anhui, examples / "self_assessment_2019.csv")
    )
    with tempfile.TemporaryDirectory() as out:
        rubric.write_report(verified, out, compare=claimed, unit_reports=False)
        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=browser_path, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto((Path(out) / "总报告.html").as_uri(), wait_until="load")
            sheet = page.locator("main.page").bounding_box()
            heading = page.locator("h2", has_text=HEADING).bounding_box()
            assert sheet is not None and heading is not None
            left = sheet["x"] + sheet["width"] / 2 - WIDTH / 2
            clip = {"x": left, "y": heading["y"] - 20, "width": WIDTH, "height": HEIGHT}
            target = ROOT / "docs" / "report.png"
            page.screenshot(path=str(target), clip=clip, full_page=True)
            browser.close()
    print(f"{target.relative_to(ROOT)}: {WIDTH} × {HEIGHT}, from {HEADING}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
