"""Redacted views of config.json (spec/providers.md §7.4, spec/web.md §6.2).

Every credential reference becomes a status object (``present`` instead of the
value), proxy URLs lose their ``user:password``, and anything else that looks
like a secret goes through the one redactor. Nothing here returns a secret.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..redact import redact
from ..settings import DEFAULT_OPENAI_API_BASE
from .credentials import credential_status
from .storage import storage_view

__all__ = [
    "builtin_provider_views",
    "notifications_view",
    "provider_view",
    "proxy_view",
    "redact_proxy_url",
    "redact_refs",
    "redacted_document",
]

_SOURCES = ("file", "env", "keychain")


def redact_proxy_url(url: Any) -> Any:
    """``http://u:p@proxy.local:3128`` → ``http://proxy.local:3128/``."""
    if not isinstance(url, str) or not url:
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return "<invalid-proxy-url>"
    if not parts.scheme or not host:
        return "<invalid-proxy-url>"
    netloc = f"[{host}]" if ":" in host else host
    if port:
        netloc = f"{netloc}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, parts.fragment))


def proxy_view(proxy: Any) -> dict[str, Any]:
    """``{mode, url, no_proxy}`` with the URL's ``user:password`` removed."""
    if not isinstance(proxy, dict):
        proxy = {}
    no_proxy = proxy.get("no_proxy")
    url = redact_proxy_url(proxy.get("url"))
    return {"mode": str(proxy.get("mode") or "system"),
            "url": url if isinstance(url, str) and url else None,
            "no_proxy": [str(h) for h in no_proxy] if isinstance(no_proxy, list) else []}


def _is_ref(value: Any) -> bool:
    return isinstance(value, dict) and value.get("source") in _SOURCES and bool(
        {"value", "env", "account", "service"} & set(value)
    )


def redact_refs(value: Any, provider: str, name: str) -> Any:
    """Replace credential references anywhere inside ``value`` by status objects."""
    if _is_ref(value):
        return credential_status(value, provider=provider, name=name)
    if isinstance(value, dict):
        return {k: redact_refs(v, provider, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_refs(v, provider, name) for v in value]
    return value


def _slot_ref(value: Any) -> bool:
    """In a slot that holds a credential, any object with a known source (none given
    means ``file``) is a reference, and so is a bare string (a hand-written value)."""
    return isinstance(value, str) or (
        isinstance(value, dict) and value.get("source", "file") in _SOURCES)


def notifications_view(section: Any) -> Any:
    """The notification settings with every secret as a status object. A keychain reference
    without an account shows the account delivery reads (``email``/``password``,
    ``webhook:<id>``/``<header>`` or ``secret``), as notifications/email.py and webhook.py do."""
    out = redact_refs(section, "notifications", "notifications")
    if not isinstance(section, dict) or not isinstance(out, dict):
        return out
    email = section.get("email")
    if isinstance(email, dict) and _slot_ref(email.get("password")):
        out["email"]["password"] = credential_status(email["password"], provider="email",
                                                     name="password")
    hooks = section.get("webhooks")
    for i, hook in enumerate(hooks if isinstance(hooks, list) else []):
        if not isinstance(hook, dict):
            continue
        provider = f"webhook:{hook.get('id') or hook.get('name') or 'webhook'}"
        headers = hook.get("headers")
        for header, ref in (headers.items() if isinstance(headers, dict) else []):
            if _slot_ref(ref):
                out["webhooks"][i]["headers"][header] = credential_status(
                    ref, provider=provider, name=str(header))
        if _slot_ref(hook.get("secret")):
            out["webhooks"][i]["secret"] = credential_status(hook["secret"], provider=provider,
                                                             name="secret")
    return out


def provider_view(name: str, entry: Any) -> Any:
    """``{type, api_base, endpoint, model, supports_n, credentials, proxy[, edit_region_mode]}``."""
    if not isinstance(entry, dict):
        return redact(entry)
    creds = entry.get("credentials")
    view: dict[str, Any] = {
        "type": entry.get("type"),
        "api_base": entry.get("api_base"),
        "endpoint": entry.get("endpoint"),
        "model": entry.get("model"),
        "supports_n": entry.get("supports_n"),
        "credentials": {
            key: credential_status(ref, provider=name, name=key)
            for key, ref in sorted(creds.items())
        } if isinstance(creds, dict) else {},
        "proxy": proxy_view(entry.get("proxy")) if entry.get("proxy") is not None else None,
    }
    if entry.get("edit_region_mode") is not None:
        view["edit_region_mode"] = entry["edit_region_mode"]
    return view


def redacted_document(doc: dict[str, Any], shared_dir: Path) -> dict[str, Any]:
    """The whole document as ``config inspect`` shows it."""
    out = copy.deepcopy(doc)
    found = doc.get("providers")
    providers: dict[str, Any] = found if isinstance(found, dict) else {}
    out["providers"] = {name: provider_view(name, providers[name]) for name in sorted(providers)}
    out["proxy"] = proxy_view(doc.get("proxy") or {"mode": "system"})
    logging = doc.get("logging")
    out["logging"] = {**(logging if isinstance(logging, dict) else {}),
                      "debug": bool(logging.get("debug")) if isinstance(logging, dict) else False}
    paths = out.get("paths")
    if isinstance(paths, dict):
        legacy = paths.setdefault("legacy_shared_codex_dir", {"enabled_for_read": True})
        if isinstance(legacy, dict) and not legacy.get("path"):
            legacy["path"] = str(shared_dir)
    if "notifications" in out:
        out["notifications"] = notifications_view(out["notifications"])
    if "storage" in out:
        out["storage"] = storage_view(out["storage"], str(shared_dir / "storage" / "fallback"))
    result = redact(out)
    assert isinstance(result, dict)
    return result


def builtin_provider_views() -> dict[str, dict[str, Any]]:
    """The built-ins the web config injects when they are not configured (web.md §6.2)."""
    return {
        "codex": {"type": "codex", "api_base": None, "endpoint": None, "model": "gpt-5.4",
                  "supports_n": False, "credentials": {}, "proxy": None, "builtin": True,
                  "edit_region_mode": "reference-hint"},
        "openai": {"type": "openai-compatible", "api_base": DEFAULT_OPENAI_API_BASE,
                   "endpoint": None, "model": "gpt-image-2", "supports_n": True,
                   "credentials": {"api_key": credential_status(
                       {"source": "env", "env": "OPENAI_API_KEY"}, provider="openai",
                       name="api_key")},
                   "proxy": None, "builtin": True, "edit_region_mode": "native-mask"},
    }
