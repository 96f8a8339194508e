"""Screenshots for the README, taken from a running site with the demo data.

Needs Playwright (`pip install playwright`) and Debian's Chromium (/usr/bin/chromium). Usage:
    DEMO_PASSWORD=... make run   # in another terminal, on a fresh instance/
    python tools/screenshots.py http://127.0.0.1:5000 "$DEMO_PASSWORD"
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main(base: str, password: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 860})
        page.goto(f"{base}/login")
        page.screenshot(path=OUT / "login.png")
        page.fill("#username", "wang.lei")
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.goto(f"{base}/courses/corporate-culture/performance-goal-and-effect")
        page.click("text=I have read this lesson")
        page.goto(f"{base}/courses/corporate-culture/three-elements-and-their-circle")
        page.click("text=I have read this lesson")
        page.goto(f"{base}/")
        page.screenshot(path=OUT / "dashboard.png")
        page.goto(f"{base}/courses/corporate-culture")
        page.screenshot(path=OUT / "outline.png")
        page.goto(f"{base}/courses/corporate-culture/habitual-thinking-and-organizational-inertia")
        page.screenshot(path=OUT / "lesson.png")
        page.goto(f"{base}/courses/corporate-culture/habitual-thinking-and-organizational-inertia/quiz")
        page.screenshot(path=OUT / "quiz.png")
        for fieldset in page.query_selector_all("fieldset"):
            fieldset.query_selector("input").check()
        page.click("text=Submit answers")
        page.screenshot(path=OUT / "review.png", full_page=False)
        phone = browser.new_page(viewport={"width": 360, "height": 740})
        phone.goto(f"{base}/login")
        phone.fill("#username", "liu.fang")
        phone.fill("#password", password)
        phone.click("button[type=submit]")
        phone.goto(f"{base}/courses/corporate-culture/seeking-truth-from-facts")
        phone.screenshot(path=OUT / "lesson-phone.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
