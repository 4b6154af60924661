"""Storage section rules: merge, pipeline derivation, policy, view."""

from __future__ import annotations

from typing import Any

import pytest

from gpt_image_2.config.storage import (
    apply_policy,
    clean_ref,
    effective_pipeline,
    merge_target_secrets,
    storage_secret_values,
    storage_view,
)
from gpt_image_2.errors import AppError


@pytest.mark.parametrize(("storage", "mode", "archives"), [
    ({}, "local_only", []),
    ({"fallback_targets": ["a"]}, "cloud_archive_only", ["a"]),
    ({"default_targets": ["a"]}, "cloud_archive_only", ["a"]),
    ({"default_targets": ["a", "b"], "fallback_targets": ["b", "c"], "fallback_policy": "always"},
     "mirror", ["a", "b", "c"]),
    ({"default_targets": ["a"], "fallback_targets": ["c"], "fallback_policy": "on_failure"},
     "cloud_archive_only", ["a", "c"]),
    ({"default_targets": ["a"], "fallback_targets": ["c"], "fallback_policy": "never"},
     "cloud_archive_only", ["a"]),
    ({"pipeline": {"mode": "mirror", "archives": ["x"]}, "default_targets": ["a"]},
     "mirror", ["x"]),
])
def test_effective_pipeline_from_the_legacy_trio(storage: dict[str, Any], mode: str,
                                                 archives: list[str]) -> None:
    pipeline = effective_pipeline(storage)
    assert pipeline["mode"] == mode and pipeline["archives"] == archives


def test_locked_policy_coerces_and_unlocked_does_not() -> None:
    locked = {"managed": True, "allow_user_overrides": False, "locked_origin": "s3",
              "locked_archives": ["s3", "dav"]}
    storage = apply_policy({"pipeline": {"mode": "mirror", "archives": ["x"]}, "policy": locked})
    assert storage["pipeline"]["mode"] == "cloud_primary"
    assert storage["pipeline"]["origin"] == "s3"
    assert storage["pipeline"]["archives"] == ["dav"]
    free = {**locked, "allow_user_overrides": True}
    storage = apply_policy({"pipeline": {"mode": "mirror", "archives": ["x"]}, "policy": free})
    assert storage["pipeline"] == {"mode": "mirror", "archives": ["x"]}


def test_clean_ref_keeps_the_stored_file_value() -> None:
    old = {"source": "file", "value": "kept-secret"}
    omitted = {"source": "file", "present": True, "value": {"_omitted": "secret"}}
    assert clean_ref(omitted, old, name="t", field="f") == old
    assert clean_ref({"source": "file", "value": ""}, old, name="t", field="f") == old
    assert clean_ref({"source": "file", "value": "new"}, old, name="t", field="f") == {
        "source": "file", "value": "new"}
    assert clean_ref({"source": "file"}, {"source": "env", "env": "X"}, name="t",
                     field="f") == {"source": "file", "value": ""}
    assert clean_ref({"source": "env", "env": " X "}, old, name="t", field="f") == {
        "source": "env", "env": "X"}
    with pytest.raises(AppError):
        clean_ref({"source": "keychain", "value": "v", "account": "a"}, None, name="t",
                  field="f")


def test_merge_and_view_of_http_headers() -> None:
    old = {"type": "http", "url": "https://x", "headers": {"A": {"source": "file",
                                                                 "value": "hdr-secret"}}}
    new = {"type": "http", "url": "https://x", "method": "patch",
           "headers": {"A": {"source": "file", "value": None}, "B": {"source": "env", "env": "E"}}}
    merged = merge_target_secrets("t", new, old)
    assert merged["method"] == "PATCH"
    assert merged["headers"] == {"A": {"source": "file", "value": "hdr-secret"},
                                 "B": {"source": "env", "env": "E"}}
    assert storage_secret_values({"targets": {"t": merged}}) == ["hdr-secret"]
    view = storage_view({"targets": {"t": merged, "future": {
        "type": "ftp", "password": {"source": "file", "value": "ftp-secret"}}}}, "/fb")
    assert "hdr-secret" not in repr(view) and "ftp-secret" not in repr(view)
    assert view["targets"]["t"]["headers"]["A"]["present"] is True


def test_local_default_without_a_folder_is_shown_at_the_fallback_dir() -> None:
    view = storage_view({"targets": {"local-default": {"type": "local", "directory": ""}}},
                        "/data/storage/fallback")
    assert view["targets"]["local-default"]["directory"] == "/data/storage/fallback"
