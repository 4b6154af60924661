#!/usr/bin/env python3
"""Smoke-test the skill's runtime through the wrapper; prints one JSON summary.

Runs, each through ``gpt_image_2_cli.py`` with ``--json``:

* ``--version``            - the wrapper found our CLI (required)
* ``doctor``               - providers, auth and endpoint reachability (required)
* ``config path``          - where config, history and jobs live (required)
* ``config inspect``       - the shared config parses (secrets masked)
* ``auth inspect``         - which credentials are present (never their values)
* ``transparent verify --strict`` - on a tiny 8x8 transparent PNG in a temp dir

and prints ``{"ok", "runtime", "version", "doctor_ok", "resolved_provider",
"config_file", "auth_openai_ready", "auth_codex_ready", "providers",
"transparent_verify_passed", "checks": [...]}``. ``ok`` is true
when every check ran and returned a JSON envelope with ``ok: true`` (``doctor``
may report ``ok: false`` when no provider is reachable; that is information,
not a broken runtime). Exit 0 when ``ok``, else 1. Standard library only.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WRAPPER = HERE / "gpt_image_2_cli.py"


def tiny_transparent_png(size: int = 8) -> bytes:
    """An RGBA PNG: a transparent frame around an opaque red centre."""
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            inside = 2 <= x < size - 2 and 2 <= y < size - 2
            row += bytes([220, 30, 30, 255]) if inside else bytes([0, 0, 0, 0])
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def run(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, str(WRAPPER), "--json", *args],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    try:
        payload: Any = json.loads(proc.stdout)
    except ValueError:
        payload = None
    return {"args": args, "exit_code": proc.returncode, "payload": payload,
            "stderr": proc.stderr[-2000:]}


def check(name: str, result: dict[str, Any], accept_not_ok: bool = False) -> dict[str, Any]:
    payload = result["payload"]
    ok = isinstance(payload, dict) and (payload.get("ok") is True or (
        accept_not_ok and result["exit_code"] == 0 and "error" not in payload))
    entry: dict[str, Any] = {"name": name, "ok": ok, "exit_code": result["exit_code"]}
    if not ok:
        error = payload.get("error") if isinstance(payload, dict) else None
        entry["error"] = error or {"code": "no_json", "message": result["stderr"][-500:]}
    return entry


def main() -> int:
    sys.path.insert(0, str(HERE))
    import gpt_image_2_cli  # the wrapper, for the resolution report

    found = gpt_image_2_cli.resolve()
    runtime: dict[str, Any] | None = (
        {"resolver": found.resolver, "command": found.command} if found.command else None)
    checks: list[dict[str, Any]] = []
    version = run(["--version"])
    checks.append(check("version", version))
    doctor = run(["doctor"])
    checks.append(check("doctor", doctor, accept_not_ok=True))
    paths = run(["config", "path"])
    checks.append(check("config path", paths))
    checks.append(check("config inspect", run(["config", "inspect"])))
    auth = run(["auth", "inspect"])
    checks.append(check("auth inspect", auth))
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "selftest.png"
        image.write_bytes(tiny_transparent_png())
        verify = run(["transparent", "verify", "--input", str(image), "--strict"])
    checks.append(check("transparent verify", verify))

    def field(result: dict[str, Any], *keys: str) -> Any:
        value: Any = result["payload"]
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    summary = {
        "ok": all(c["ok"] for c in checks),
        "runtime": runtime,
        "version": field(version, "version"),
        "doctor_ok": field(doctor, "ok"),
        "resolved_provider": field(doctor, "provider_selection", "resolved"),
        "config_file": field(paths, "config_file"),
        "auth_openai_ready": field(auth, "providers", "openai", "ready"),
        "auth_codex_ready": field(auth, "providers", "codex", "ready"),
        "providers": sorted(
            [name for name in field(auth, "providers") or {} if name != "configured"]
            + list(field(auth, "providers", "configured") or {})
        ),
        "transparent_verify_passed": field(verify, "verification", "passed"),
        "checks": checks,
    }
    if runtime is None:
        summary["attempts"] = found.attempts
    print(json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
