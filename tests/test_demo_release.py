"""The demo county's releases, tasks' flags and a review's snapshot, byte for byte as they were
recorded in tests/golden/demo_release.json: rules that hand messages to the edge as keys, and a
review built once for three languages, publish exactly what per-language rules published."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_demo_release_is_published_as_recorded():
    done = subprocess.run([sys.executable, str(HERE / "demo_release.py")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    recorded = json.loads((HERE / "golden" / "demo_release.json").read_text(encoding="utf-8"))
    assert json.loads(done.stdout) == recorded
