"""``gpt-image-2 serve`` itself: port 0, a port that is taken, an out-of-range port."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx

SERVE = [sys.executable, "-m", "gpt_image_2.cli.main", "serve", "--host", "127.0.0.1", "--no-build"]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "CODEX_HOME": str(tmp_path / "codex")}


def test_port_zero_listens_on_a_free_port_and_prints_it(tmp_path: Path) -> None:
    proc = subprocess.Popen([*SERVE, "--port", "0"], env=_env(tmp_path),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        stderr = proc.stderr
        banner = ""

        def read_banner() -> None:
            nonlocal banner
            for line in stderr:
                if "listening on" in line:
                    banner = line
                    return

        reader = threading.Thread(target=read_banner, daemon=True)
        reader.start()
        reader.join(timeout=60)  # a server that never prints fails the test, never hangs it
        match = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
        assert match, banner
        port = int(match.group(1))
        assert port not in (0, 8787)
        response = httpx.get(f"http://127.0.0.1:{port}/api/session", timeout=10)
        assert response.status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run([*SERVE, "--port", str(port)], env=_env(tmp_path),
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_out_of_range_port_is_refused(tmp_path: Path) -> None:
    done = subprocess.run([*SERVE, "--port", "70000"], env=_env(tmp_path),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert '"invalid_command"' in done.stdout
    assert "port must be 0-65535" in done.stdout
    env = {**_env(tmp_path), "GPT_IMAGE_2_WEB_PORT": "70000"}
    done = subprocess.run(SERVE, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "invalid_settings" in done.stderr and "GPT_IMAGE_2_WEB_PORT" in done.stderr
    assert "Traceback" not in done.stderr
