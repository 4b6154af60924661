"""One redactor for everything that leaves the process (spec/providers.md §7.4).

``redact(value, secrets=...)`` returns a copy of a JSON-like value with
credential keys, image payloads and every known secret string removed. It is
applied to API responses built from upstream data, job events, history
metadata, error details and log records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["SECRET_KEYS", "SecretRegistry", "redact", "scrub_spool", "scrub_text"]

SECRET_KEYS = frozenset(
    {"access_token", "refresh_token", "id_token", "authorization", "api_key", "password"}
)
_BASE64_KEYS = frozenset({"result", "b64_json"})
_STRING_KEYS = frozenset({"image_url"})
_BASE64_RE = re.compile(r"^[A-Za-z0-9+/=\r\n]+$")
_BEARER_RE = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{6,}")
_SK_RE = re.compile(r"\bsk-[A-Za-z0-9_-]{8,}")


class SecretRegistry:
    """Known secret values of this process; any occurrence is masked in text."""

    def __init__(self) -> None:
        self._values: set[str] = set()

    def add(self, *values: str | None) -> None:
        for value in values:
            if value and len(value.strip()) >= 6:
                self._values.add(value.strip())

    def __iter__(self) -> Any:
        return iter(sorted(self._values, key=len, reverse=True))


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask known secrets, bearer tokens and ``sk-`` style keys inside free text."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, "[redacted]")
    text = _BEARER_RE.sub(r"\1[redacted]", text)
    return _SK_RE.sub("[redacted]", text)


def _omit_string(key: str | None, value: str) -> Any:
    if value.startswith("data:image/"):
        prefix, _, payload = value.partition(",")
        return {"_omitted": "data_url", "prefix": prefix, "base64_chars": len(payload)}
    lowered = (key or "").lower()
    looks_b64 = len(value) >= 128 and bool(_BASE64_RE.match(value))
    if lowered in _BASE64_KEYS or "partial_image" in lowered:
        return {"_omitted": "base64", "base64_chars": len(value)}
    if lowered in _STRING_KEYS:
        return {"_omitted": "base64", "base64_chars": len(value)} if looks_b64 else {
            "_omitted": "string",
            "chars": len(value),
        }
    if len(value) >= 512 and looks_b64:
        return {"_omitted": "base64", "base64_chars": len(value)}
    return None


def redact(value: Any, secrets: Iterable[str] = (), *, _key: str | None = None) -> Any:
    """Return a redacted deep copy of a JSON-like ``value``."""
    known = secrets if isinstance(secrets, (list, tuple)) else list(secrets)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            key = str(k)
            if key.lower() in SECRET_KEYS and v is not None and not isinstance(v, (dict, bool)):
                out[key] = {"_omitted": "secret"}
            else:
                out[key] = redact(v, known, _key=key)
        return out
    if isinstance(value, (list, tuple)):
        return [redact(v, known, _key=_key) for v in value]
    if isinstance(value, str):
        omitted = _omit_string(_key, value)
        if omitted is not None:
            return omitted
        return scrub_text(value, known)
    return value


def scrub_spool(body: bytes, secrets: Iterable[str]) -> bytes:
    """A raw upstream answer kept as recovery evidence, with known secrets an upstream
    echoed back masked. Untouched (byte for byte) when it holds none; a JSON body is
    rewritten with only its non-image strings (and keys) scrubbed, so image payloads stay
    intact; anything that is not JSON, or JSON that will not round-trip, gets a plain
    byte replace."""
    known = [s for s in secrets if s and s.encode() in body]
    if not known:
        return body

    def scrub(text: str) -> str:
        for secret in known:
            text = text.replace(secret, "[redacted]")
        return text

    def walk(value: Any, key: str | None) -> Any:
        if isinstance(value, Mapping):
            return {scrub(str(k)): walk(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str) and (key or "").lower() not in _BASE64_KEYS \
                and "partial_image" not in (key or "").lower():
            return scrub(value)
        return value

    try:
        # ASCII output: a lone surrogate escape in the answer stays an escape
        return json.dumps(walk(json.loads(body), None), ensure_ascii=True).encode("ascii")
    except Exception:  # not JSON, too deep, or otherwise not re-encodable: evidence still kept
        for secret in known:
            body = body.replace(secret.encode(), b"[redacted]")
        return body
