"""docs/api.md documents every route of the OpenAPI schema."""

from __future__ import annotations

from pathlib import Path

from gpt_image_2.web.openapi import export_schema

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_every_route_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [path for path in export_schema()["paths"] if f"`{path}`" not in text]
    assert missing == []
