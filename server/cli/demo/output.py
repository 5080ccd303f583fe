"""What the demo prints while it loads: a line, and a count every tenth of the way."""

from __future__ import annotations


def say(text: str) -> None:
    print(f"[demo] {text}", flush=True)


def progress(label: str, done: int, total: int) -> None:
    if done == total or done % max(1, total // 10) == 0:
        print(f"[demo] {label}: {done}/{total} ({100 * done // max(total, 1)}%)", flush=True)
