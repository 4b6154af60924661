"""Unverified JWT payload reading for Codex tokens (spec/providers.md §3.6).

Signatures are never verified: the payload is only used to find the ChatGPT
account id, the identity shown by ``auth inspect`` and the expiry.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any

from ..errors import AppError

__all__ = ["AUTH_CLAIM", "PROFILE_CLAIM", "account_id_from_token", "decode_payload", "token_facts"]

AUTH_CLAIM = "https://api.openai.com/auth"
PROFILE_CLAIM = "https://api.openai.com/profile"


def _b64decode(segment: str) -> bytes:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        return base64.urlsafe_b64decode(padded)
    except (binascii.Error, ValueError):
        return base64.b64decode(padded, validate=False)


def decode_payload(token: str) -> dict[str, Any]:
    """The JSON payload (second segment) of ``token``; ``invalid_jwt`` when unreadable."""
    parts = token.split(".")
    if len(parts) < 2 or not parts[1]:
        raise AppError("invalid_jwt", "Invalid JWT format.")
    try:
        payload = json.loads(_b64decode(parts[1]))
    except (binascii.Error, ValueError) as exc:
        raise AppError("invalid_jwt", "Unable to decode JWT payload.") from exc
    if not isinstance(payload, dict):
        raise AppError("invalid_jwt", "Decoded JWT payload is not a JSON object.")
    return payload


def account_id_from_token(token: str) -> str:
    """``chatgpt_account_id`` from the auth claim of an access token."""
    claims = decode_payload(token).get(AUTH_CLAIM)
    if not isinstance(claims, dict):
        raise AppError("account_id_missing", "Missing auth claims in access token.")
    account = claims.get("chatgpt_account_id")
    if not isinstance(account, str) or not account.strip():
        raise AppError("account_id_missing", "Missing chatgpt_account_id in token claims.")
    return account


def token_facts(token: str | None) -> dict[str, Any]:
    """Identity and expiry for ``auth inspect``; keys are omitted when absent."""
    facts: dict[str, Any] = {"expires_at": None, "expired": None, "seconds_until_expiry": None}
    if not token:
        return facts
    try:
        payload = decode_payload(token)
    except AppError:
        return facts
    profile = payload.get(PROFILE_CLAIM)
    if isinstance(profile, dict) and isinstance(profile.get("email"), str):
        facts["email"] = profile["email"]
    auth = payload.get(AUTH_CLAIM)
    if isinstance(auth, dict):
        if isinstance(auth.get("chatgpt_plan_type"), str):
            facts["plan_type"] = auth["chatgpt_plan_type"]
        if isinstance(auth.get("chatgpt_user_id"), str):
            facts["chatgpt_user_id"] = auth["chatgpt_user_id"]
    exp = payload.get("exp")
    if isinstance(exp, int) and not isinstance(exp, bool):
        now = int(time.time())
        facts.update({"expires_at": exp, "expired": exp <= now, "seconds_until_expiry": exp - now})
    return facts
