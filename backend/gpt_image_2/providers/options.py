"""Provider-specific option checks (spec/providers.md §6.3), run before any I/O."""

from __future__ import annotations

from ..errors import AppError
from .codex import DEFAULT_INSTRUCTIONS
from .selection import Selection

__all__ = [
    "MAX_REFERENCE_IMAGES",
    "check_options",
    "check_reference_count",
    "check_request_operation",
]

MAX_REFERENCE_IMAGES = 16


def check_reference_count(count: int) -> None:
    if count > MAX_REFERENCE_IMAGES:
        raise AppError("ref_image_too_many", "At most 16 reference images are supported.",
                       {"max": MAX_REFERENCE_IMAGES, "actual": count})


def check_options(
    selection: Selection,
    *,
    moderation: str | None = None,
    mask: bool = False,
    input_fidelity: str | None = None,
    instructions: str | None = None,
    selection_hint: bool = False,
) -> None:
    """Raise ``unsupported_option`` for an option the selected provider cannot honour.

    ``--n`` is never refused: providers without native ``n`` fan out (§2.3).
    """
    if selection.kind == "codex":
        if moderation is not None:
            raise AppError("unsupported_option",
                           "--moderation is supported by the openai provider.")
        if mask:
            raise AppError("unsupported_option",
                           "--mask requires a provider with native-mask region editing.")
        if input_fidelity is not None:
            raise AppError("unsupported_option",
                           "--input-fidelity is supported by the openai provider.")
    if selection_hint and selection.edit_region_mode == "none":
        raise AppError(
            "unsupported_option", "This provider does not support local (region) edits.",
            {"provider": selection.resolved, "edit_region_mode": selection.edit_region_mode},
        )
    if mask and selection.edit_region_mode != "native-mask":
        raise AppError(
            "unsupported_option", "--mask requires a provider with native-mask region editing.",
            {"provider": selection.resolved, "edit_region_mode": selection.edit_region_mode},
        )
    if (selection.kind != "codex" and instructions is not None
            and instructions != DEFAULT_INSTRUCTIONS):
        raise AppError("unsupported_option", "--instructions is supported by the codex provider.")


def check_request_operation(selection: Selection, operation: str) -> None:
    """``request create``: the operation must match the provider family."""
    if selection.kind == "codex" and operation != "responses":
        raise AppError("unsupported_option",
                       "Codex request create uses --request-operation responses.")
    if selection.kind != "codex" and operation == "responses":
        raise AppError("unsupported_option",
                       "OpenAI request create uses --request-operation generate or edit.")
