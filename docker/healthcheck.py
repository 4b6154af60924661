"""Container health probe: ``GET /api/session`` on the local listener.

``/api/session`` is never gated (it answers 200 with or without a token), so the
probe needs no secret. Exit 0 when the server answers 200 with JSON, 1 otherwise.
Only the standard library: it runs with the image's interpreter.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request


def main() -> int:
    port = os.environ.get("GPT_IMAGE_2_WEB_PORT", "").strip() or "8787"
    url = f"http://127.0.0.1:{port}/api/session"
    # No proxies: an HTTP(S)_PROXY meant for outbound calls must not catch 127.0.0.1.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=4) as response:
            body = json.loads(response.read() or b"null")
            ok = response.status == 200 and isinstance(body, dict) and "auth_required" in body
    except Exception as exc:  # any failure means unhealthy
        print(f"unhealthy: {url}: {exc}", file=sys.stderr)
        return 1
    if not ok:
        print(f"unhealthy: {url}: unexpected answer", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
