"""Export the OpenAPI schema: ``python -m gpt_image_2.web.openapi [OUT]``.

The SPA's TypeScript client is generated from this file; CI fails when the
committed client is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..settings import Settings
from .app import create_app

__all__ = ["export_schema"]


def export_schema() -> dict[str, Any]:
    app = create_app(Settings(web_token=None), serve_spa=False)
    return app.openapi()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = json.dumps(export_schema(), indent=2, ensure_ascii=False) + "\n"
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
