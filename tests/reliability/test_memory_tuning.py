"""``keep_freed_memory``: freed image-sized arrays stay with the process for reuse."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")

_PROBE = """
import json, os, sys
import numpy as np
from gpt_image_2.memory import keep_freed_memory
tuned = keep_freed_memory() if sys.argv[1] == "tuned" else False
page = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page
block = np.ones(24 << 20, np.uint8)  # a 4K mask-sized array, every page touched
before = rss()
del block
print(json.dumps({"tuned": tuned, "released": before - rss()}))
"""


def _probe(mode: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_a_freed_array_stays_resident_only_when_tuned() -> None:
    plain = _probe("plain")
    tuned = _probe("tuned")
    assert plain["tuned"] is False and tuned["tuned"] is True
    assert plain["released"] >= 20 << 20  # glibc unmapped the block at once
    assert tuned["released"] < 4 << 20  # kept on the heap for the next array
