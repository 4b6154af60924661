"""The ``storage`` section (spec/providers.md §7.9, spec/web.md §6.2 ``PUT /storage``).

Pure document code: the secret-preserving merge, validation of targets and of the
pipeline, the managed policy, and the redacted view. This server stores storage
settings and probes ``local`` targets; it does not upload to remote storage.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

from ..errors import AppError
from .credentials import credential_status, stored_secret

__all__ = [
    "ORIGIN_TYPES",
    "SECRET_FIELDS",
    "TARGET_TYPES",
    "apply_policy",
    "clean_ref",
    "effective_pipeline",
    "merge_target_secrets",
    "storage_secret_values",
    "storage_view",
    "validate_storage",
    "validate_target",
]

TARGET_TYPES = ("local", "s3", "webdav", "http", "sftp", "baidu_netdisk", "pan123_open")
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "local": (), "http": (),
    "s3": ("access_key_id", "secret_access_key", "session_token"),
    "webdav": ("password",),
    "sftp": ("password", "private_key"),
    "baidu_netdisk": ("secret_key", "access_token", "refresh_token"),
    "pan123_open": ("client_secret", "access_token"),
}
ORIGIN_TYPES = ("local", "s3", "webdav", "sftp")
"""Types that can serve reads back, so may be a cloud_primary origin."""
LOCAL_DEFAULT = "local-default"
_HTTP_METHODS = ("POST", "PUT", "PATCH")


def _invalid(name: str, field: str, message: str) -> AppError:
    return AppError("storage_target_invalid", f"Storage target {name}: {message}",
                    {"target": name, "field": field})


def _unknown(name: str) -> AppError:
    return AppError("storage_target_unknown", f"Unknown storage target: {name}",
                    {"target": name})


# -- secrets ------------------------------------------------------------------------


def clean_ref(ref: Any, old: Any, *, name: str, field: str) -> dict[str, Any] | None:
    """A stored reference from a submitted one; an empty ``file`` value keeps ``old``'s."""
    if not isinstance(ref, dict):
        return None
    source = ref.get("source") or "file"
    if source == "file":
        value = ref.get("value")
        if not isinstance(value, str) or not value:
            stored = old.get("value") if isinstance(old, dict) and old.get(
                "source", "file") == "file" else None
            value = stored if isinstance(stored, str) else ""
        return {"source": "file", "value": value}
    if source == "env":
        env = ref.get("env")
        if not isinstance(env, str) or not env.strip():
            raise _invalid(name, field, "env secrets need a variable name.")
        return {"source": "env", "env": env.strip()}
    if source == "keychain":
        if isinstance(ref.get("value"), str) and ref["value"]:
            raise _invalid(name, field, "keychain values cannot be set here; store the secret "
                           "with source file or env.")
        account = ref.get("account")
        if not isinstance(account, str) or not account.strip():
            raise _invalid(name, field, "keychain secrets need an account.")
        return {"source": "keychain", "service": ref.get("service") or "gpt-image-2-skill",
                "account": account.strip()}
    raise AppError("secret_source_unsupported", f"Unsupported secret source: {source}")


def merge_target_secrets(name: str, new: dict[str, Any], old: Any) -> dict[str, Any]:
    """``new`` with each secret taken from ``old`` (same target name + field) when empty."""
    previous = old if isinstance(old, dict) else {}
    out = {k: v for k, v in new.items() if v is not None}
    for field in SECRET_FIELDS.get(str(new.get("type")), ()):
        ref = clean_ref(new.get(field), previous.get(field), name=name, field=field)
        if ref is None:
            out.pop(field, None)
        else:
            out[field] = ref
    if new.get("type") == "http":
        out["method"] = str(new.get("method") or "POST").upper()
        found = previous.get("headers")
        old_headers: dict[str, Any] = found if isinstance(found, dict) else {}
        headers: dict[str, Any] = {}
        for header, ref in (new.get("headers") or {}).items():
            cleaned = clean_ref(ref, old_headers.get(header), name=name,
                                field=f"headers.{header}")
            if cleaned is not None:
                headers[header] = cleaned
        out["headers"] = headers
    return out


def _refs(target: dict[str, Any]) -> list[Any]:
    refs = [target.get(f) for f in SECRET_FIELDS.get(str(target.get("type")), ())]
    headers = target.get("headers")
    if isinstance(headers, dict):
        refs += list(headers.values())
    return refs


def storage_secret_values(storage: Any) -> list[str]:
    """Every ``file`` secret stored in the section (for the process's secret registry)."""
    targets = storage.get("targets") if isinstance(storage, dict) else None
    values: list[str] = []
    for target in (targets or {}).values() if isinstance(targets, dict) else []:
        if isinstance(target, dict):
            values += [v for v in map(stored_secret, _refs(target)) if v is not None]
    return values


# -- validation ---------------------------------------------------------------------


def _check_url(name: str, field: str, value: Any, *, required: bool) -> None:
    if value is None or value == "":
        if required:
            raise _invalid(name, field, f"{field} is required.")
        return
    try:
        parts = urlsplit(str(value))
        _ = parts.port
    except ValueError as exc:
        raise _invalid(name, field, f"{field} is not a valid URL.") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _invalid(name, field, f"{field} must be an http(s) URL with a host.")


def _require(name: str, target: dict[str, Any], *fields: str) -> None:
    for field in fields:
        value = target.get(field)
        if not isinstance(value, str) or not value.strip():
            raise _invalid(name, field, f"{field} is required.")


def validate_target_name(name: str) -> None:
    if (not name or not name.strip() or len(name) > 100
            or any(ch in name for ch in "/\\") or any(ch.isspace() or ord(ch) < 32
                                                     for ch in name)):
        raise AppError("storage_target_invalid",
                       "Storage target names must be non-empty path-safe tokens.",
                       {"target": name[:100]})


def validate_target(name: str, target: dict[str, Any]) -> None:
    """Field rules per type (a local target's folder is checked separately: it needs disk)."""
    validate_target_name(name)
    kind = target.get("type")
    if kind not in TARGET_TYPES:
        raise _invalid(name, "type", f"unsupported type {str(kind)[:40]}.")
    _check_url(name, "public_base_url", target.get("public_base_url"), required=False)
    if kind == "local" and name != LOCAL_DEFAULT:
        _require(name, target, "directory")
    elif kind == "s3":
        _require(name, target, "bucket")
        _check_url(name, "endpoint", target.get("endpoint"), required=False)
    elif kind == "webdav":
        _check_url(name, "url", target.get("url"), required=True)
    elif kind == "http":
        _check_url(name, "url", target.get("url"), required=True)
        if str(target.get("method") or "POST").upper() not in _HTTP_METHODS:
            raise _invalid(name, "method", "method must be POST, PUT or PATCH.")
        for header in target.get("headers") or {}:
            if not header or any(ch in header for ch in ' \t\r\n:()<>@,;\\"/[]?={}'):
                raise _invalid(name, "headers", "header names must be HTTP tokens.")
    elif kind == "sftp":
        _require(name, target, "host", "username", "remote_dir")
    elif kind == "baidu_netdisk":
        _require(name, target, "app_name")


def _names(values: Any) -> list[str]:
    return [str(v).strip() for v in values or [] if str(v).strip()]


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def effective_pipeline(storage: dict[str, Any]) -> dict[str, Any]:
    """The pipeline that drives uploads: explicit, or derived from the legacy trio, then
    coerced by a locked policy."""
    raw = storage.get("pipeline")
    if isinstance(raw, dict):
        pipeline = copy.deepcopy(raw)
        pipeline["archives"] = _names(pipeline.get("archives"))
    else:
        primary = _names(storage.get("default_targets"))
        fallback = _names(storage.get("fallback_targets"))
        policy = storage.get("fallback_policy") or "on_failure"
        if not primary and not fallback:
            pipeline = {"mode": "local_only", "origin": None, "archives": []}
        else:
            merged = primary if (policy == "never" and primary and fallback) else _dedupe(
                primary + fallback)
            mode = ("mirror" if policy == "always" and primary and fallback
                    else "cloud_archive_only")
            pipeline = {"mode": mode, "origin": None, "archives": merged}
        pipeline["cleanup"] = {"mode": "never"}
    return _apply_locks(pipeline, storage.get("policy"))


def _apply_locks(pipeline: dict[str, Any], policy: Any) -> dict[str, Any]:
    if not isinstance(policy, dict) or not policy.get("managed") or policy.get(
            "allow_user_overrides"):
        return pipeline
    allowed = [m for m in policy.get("allowed_modes") or [] if isinstance(m, str)]
    if allowed and pipeline.get("mode") not in allowed:
        pipeline["mode"] = allowed[0]
    origin = str(policy.get("locked_origin") or "").strip()
    if origin:
        pipeline["mode"] = "cloud_primary"
        pipeline["origin"] = origin
    locked = _dedupe(_names(policy.get("locked_archives")))
    if locked:
        pipeline["archives"] = locked
    if pipeline.get("mode") != "cloud_primary":
        pipeline["origin"] = None
    if pipeline.get("origin"):
        pipeline["archives"] = [a for a in pipeline["archives"] if a != pipeline["origin"]]
    return pipeline


def apply_policy(storage: dict[str, Any]) -> dict[str, Any]:
    """A locked managed policy rewrites the pipeline to its boundary (reference behaviour)."""
    policy = storage.get("policy")
    if isinstance(policy, dict) and policy.get("managed") and not policy.get(
            "allow_user_overrides"):
        storage["pipeline"] = effective_pipeline(storage)
    return storage


def validate_storage(storage: dict[str, Any]) -> None:
    """Every referenced target exists; a cloud_primary origin can serve reads back."""
    targets = storage.get("targets") or {}
    for name, target in targets.items():
        validate_target(name, target)
    raw = storage.get("pipeline")
    listed = _names(storage.get("default_targets")) + _names(storage.get("fallback_targets"))
    if isinstance(raw, dict):
        listed += _names(raw.get("archives"))
    for name in listed:
        if name not in targets:
            raise _unknown(name)
    pipeline = effective_pipeline(storage)
    cleanup = pipeline.get("cleanup") if isinstance(pipeline.get("cleanup"), dict) else {}
    assert isinstance(cleanup, dict)
    if cleanup.get("mode") == "by_age" and not cleanup.get("retention_days"):
        raise AppError("storage_pipeline_invalid", "Cleanup by age needs retention_days.")
    if cleanup.get("mode") == "by_size" and not cleanup.get("max_origin_gb"):
        raise AppError("storage_pipeline_invalid", "Cleanup by size needs max_origin_gb.")
    if pipeline.get("mode") != "cloud_primary":
        return
    origin = str(pipeline.get("origin") or "").strip()
    if not origin:
        raise AppError("storage_origin_missing",
                       "Cloud-primary storage requires an Origin target.")
    if origin not in targets:
        raise AppError("storage_origin_missing", "Cloud-primary Origin target is not configured.",
                       {"origin": origin})
    if targets[origin].get("type") not in ORIGIN_TYPES:
        raise AppError("storage_origin_readback_unsupported",
                       "Cloud-primary Origin must support implemented readback.",
                       {"origin": origin})


# -- view ---------------------------------------------------------------------------


def _auth_mode(target: dict[str, Any]) -> str | None:
    mode = target.get("auth_mode")
    if mode:
        return str(mode)
    has_token = target.get("access_token") is not None
    if target.get("type") == "baidu_netdisk":
        return "personal" if has_token else "oauth"
    if target.get("type") == "pan123_open":
        return "access_token" if has_token else "client"
    return None


def _target_view(name: str, target: Any, fallback_dir: str) -> Any:
    if not isinstance(target, dict):
        return target
    view = dict(target)
    if target.get("type") not in SECRET_FIELDS:  # a type of a newer version: hide every ref
        return {k: credential_status(v, provider=f"storage/{name}", name=k)
                if isinstance(v, dict) and v.get("source") in ("file", "env", "keychain")
                else v for k, v in target.items()}
    for field in SECRET_FIELDS.get(str(target.get("type")), ()):
        if isinstance(target.get(field), dict):
            view[field] = credential_status(target[field], provider=f"storage/{name}",
                                            name=field)
    if isinstance(target.get("headers"), dict):
        view["headers"] = {h: credential_status(r, provider=f"storage/{name}", name=h)
                           for h, r in target["headers"].items()}
    if target.get("type") in ("baidu_netdisk", "pan123_open"):
        view["auth_mode"] = _auth_mode(target)
    if name == LOCAL_DEFAULT and target.get("type") == "local" and not target.get("directory"):
        view["directory"] = fallback_dir
    return view


def storage_view(storage: Any, fallback_dir: str) -> Any:
    """``targets`` (secrets as status objects, effective ``auth_mode``), the legacy trio,
    concurrency, ``policy`` and ``pipeline`` when set."""
    if not isinstance(storage, dict):
        return storage
    view = dict(storage)
    targets = storage.get("targets")
    if isinstance(targets, dict):
        view["targets"] = {n: _target_view(n, t, fallback_dir) for n, t in targets.items()}
    return view
