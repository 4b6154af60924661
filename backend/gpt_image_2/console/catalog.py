"""The static model catalogue of ``models list`` (spec/protocol.md §4.6); no network."""

from __future__ import annotations

from typing import Any

__all__ = ["model_catalog"]

_OPERATIONS = [
    {"command": "images generate", "id": "generate", "requires_ref_image": False},
    {"command": "images edit", "id": "edit", "requires_ref_image": True},
]
_CODEX_NOTE = "Pass explicitly when the account exposes this Codex model."


def model_catalog() -> dict[str, Any]:
    return {
        "codex": {
            "default_model": "gpt-5.4",
            "image_generation_tool": {
                "delegated_model": "gpt-image-2",
                "operations": [dict(op) for op in _OPERATIONS],
                "supports": ["background", "size", "quality", "format", "compression",
                             "action", "json_events", "auth_refresh"],
                "type": "image_generation",
            },
            "model_presets": [
                {"default": True, "id": "gpt-5.4",
                 "notes": "Validated default for the Codex responses image path.",
                 "source": "local_preset"},
                {"default": False, "id": "gpt-5.4-mini", "notes": _CODEX_NOTE,
                 "source": "local_preset"},
                {"default": False, "id": "gpt-5.4-pro", "notes": _CODEX_NOTE,
                 "source": "local_preset"},
            ],
        },
        "openai": {
            "default_model": "gpt-image-2",
            "model_presets": [
                {"default": True, "id": "gpt-image-2",
                 "notes": "Official API-key image generation model.",
                 "source": "official_default"},
            ],
            "operations": [dict(op) for op in _OPERATIONS],
            "supports": ["background", "size", "quality", "format", "compression", "n",
                         "moderation", "mask", "input_fidelity"],
        },
    }
