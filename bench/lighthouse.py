"""Lighthouse scores of the pages issue 13 names (Today, Quota, History, the dashboard, the quota
self-check) on the throttled phone profile.

Lighthouse 12.2.3 from the npm registry, pinned in bench/lighthouse/package.json; Debian's
chromium; the demo county on a fresh SQLite store; signed in as a demo cadre through the session
cookie. Goals (issue 13): accessibility and best practices 100, performance at least 95.

    (cd bench/lighthouse && npm ci --no-audit --no-fund)
    .venv/bin/python bench/lighthouse.py [--lang zh-Hans] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

import httpx
from page_weight import CHROMIUM, start_app

LIGHTHOUSE = Path(__file__).resolve().parent / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
# The dashboard is the demo county's, as its supervisor reads it; the self-check is the page an
# issuing office opens (signed in or not: the same page).
PAGES = {
    "Today": "/",
    "Quota": "/quota",
    "History": "/history",
    "Dashboard": "/dashboard/360721",
    "Self-check": "/check",
}
READERS = {"Dashboard": "supervisor"}  # the others are read by the demo's cadre003
CATEGORIES = ("performance", "accessibility", "best-practices")


def scores(url: str, cookie: str, report: Path) -> dict[str, int]:
    """One Lighthouse run: the default mobile profile (simulated slow 4G, 4x slower CPU, a phone screen)."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless --no-sandbox --disable-gpu",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, timeout=300)
    result = json.loads(report.read_text(encoding="utf-8"))
    return {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="zh-Hans", choices=("zh-Hans", "zh-Hant", "en"))
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median of each score is kept")
    parser.add_argument(
        "--pages", nargs="*", choices=tuple(PAGES), default=list(PAGES), help="which pages (default: all)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, port = start_app(folder)
        try:
            base = f"http://127.0.0.1:{port}"
            figures = {}
            for name, path in ((n, PAGES[n]) for n in args.pages):
                session = httpx.post(
                    base + "/login",
                    data={"username": READERS.get(name, "cadre003"), "password": "jianfu-demo"},
                    trust_env=False,
                )
                cookie = f"jianfu_session={session.cookies['jianfu_session']}; lang={args.lang}"
                runs = [scores(base + path, cookie, Path(folder) / f"{name}-{n}.json") for n in range(args.runs)]
                figures[name] = {category: statistics.median(run[category] for run in runs) for category in CATEGORIES}
        finally:
            app.terminate()
    print(
        json.dumps(
            {"lighthouse": "12.2.3", "lang": args.lang, "runs": args.runs, "scores": figures}, ensure_ascii=False
        )
    )


if __name__ == "__main__":
    main()
