"""Our CLI and the reference CLI (gpt-image-2-skill 0.7.4) side by side on the same inputs.

Each side gets its own data root prepared identically; both talk to the same fake
upstreams on loopback. We compare envelope keys (ours must contain every key the
reference prints), error codes, exit codes, and what reaches the upstream. The
deliberate differences are listed in docs/decisions/0003-cli-compatibility.md and
asserted here as such.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.compat.sides import Result, Side, key_gaps
from tests.fakes.codex import FakeCodex
from tests.fakes.fixtures import write_auth
from tests.fakes.images import jpeg_bytes, png_bytes
from tests.fakes.openai import FakeOpenAI
from tests.reference import reference_cli

pytestmark = pytest.mark.reference

KEY = "sk-compat-0123456789abcdef"


@pytest.fixture
def sides(tmp_path: Path, fake_openai: FakeOpenAI, fake_codex: FakeCodex) -> Iterator[
        tuple[Side, Side]]:
    reference_cli()  # skips the module's tests with a reason when it cannot be installed
    env = {"GPT_IMAGE_2_RETRY_DELAY_SECONDS": "0.01"}
    ours = Side("ours", tmp_path / "ours", env)
    theirs = Side("reference", tmp_path / "reference")
    for side in (ours, theirs):
        side.home.mkdir(parents=True)
        (side.cwd / "ref.png").write_bytes(png_bytes())
        (side.cwd / "ref.jpg").write_bytes(jpeg_bytes())
        (side.cwd / "mask.png").write_bytes(png_bytes(alpha=True))
        (side.cwd / "notes.txt").write_text("not an image")
    yield ours, theirs


def both(sides: tuple[Side, Side], *args: str, env: dict[str, str] | None = None
         ) -> tuple[Result, Result]:
    """Run both CLIs at once (they share nothing but the fake upstreams)."""
    ours, theirs = sides
    with ThreadPoolExecutor(2) as pool:
        mine = pool.submit(ours.run, *args, env=env)
        ref = pool.submit(theirs.run, *args, env=env)
        return mine.result(), ref.result()


def split(requests: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(ours, reference) upstream requests, told apart by their User-Agent."""
    ref = [r for r in requests if r["headers"]["user-agent"].startswith("gpt-image-2-skill/")]
    mine = [r for r in requests if r not in ref]
    assert len(mine) == len(ref) == 1, [r["headers"]["user-agent"] for r in requests]
    return mine[0], ref[0]


def same_shape(a: Result, b: Result) -> None:
    assert a.code == b.code, (a.payload, b.payload)
    assert a.payload["ok"] == b.payload["ok"]
    assert key_gaps(a.payload, b.payload) == [], (a.payload, b.payload)


def gateway(fake: FakeOpenAI) -> list[str]:
    return ["--openai-api-base", fake.api_base]


def test_config_path_models_and_empty_views(sides: tuple[Side, Side]) -> None:
    ours, theirs = both(sides, "config", "path")
    same_shape(ours, theirs)
    assert set(ours.payload) == set(theirs.payload)
    ours, theirs = both(sides, "models", "list")
    assert ours.payload == theirs.payload
    for args in (["config", "inspect"], ["config", "list-providers"], ["history", "list"]):
        ours, theirs = both(sides, *args)
        same_shape(ours, theirs)
    ours, theirs = both(sides, "config", "inspect")
    assert set(ours.payload["config"]) == set(theirs.payload["config"])
    assert ours.payload["exists"] is theirs.payload["exists"] is False


def test_provider_admin_and_secrets(sides: tuple[Side, Side]) -> None:
    steps = [
        ["config", "add-provider", "--name", "gw", "--api-base", "http://127.0.0.1:9/v1",
         "--api-key", "sk-gw-compat-0123456789"],
        ["config", "add-provider", "--name", "cx", "--type", "codex", "--access-token",
         "a.b.c", "--refresh-token", "rt", "--account-id", "acct", "--no-supports-n"],
        ["config", "list-providers"], ["config", "inspect"], ["config", "set-default", "cx"],
        ["config", "test-provider", "gw"],
        ["secret", "set", "gw", "other", "--value", "v1"], ["secret", "get", "gw", "other"],
        ["secret", "get", "gw", "other", "--status"],
        ["secret", "set", "gw", "e", "--source", "env", "--env", "COMPAT_VAR"],
        ["secret", "get", "gw", "e", "--status"], ["secret", "delete", "gw", "other"],
        ["auth", "inspect"], ["config", "remove-provider", "cx"],
        ["config", "remove-provider", "nope"],
    ]
    for args in steps:
        ours, theirs = both(sides, *args)
        same_shape(ours, theirs)
        assert ours.payload.get("command") == theirs.payload.get("command"), args
    ours_doc = json.loads((sides[0].home / "gpt-image-2-skill" / "config.json").read_text())
    ref_doc = json.loads((sides[1].home / "gpt-image-2-skill" / "config.json").read_text())
    assert list(ours_doc) == list(ref_doc)
    assert ours_doc["providers"] == ref_doc["providers"]
    assert ours_doc["default_provider"] == ref_doc["default_provider"]


def test_configs_are_read_by_both(sides: tuple[Side, Side]) -> None:
    """A config written by the reference is read by us and the other way round."""
    ours, theirs = sides
    theirs.run("config", "add-provider", "--name", "gw", "--api-key", "sk-x-0123456789",
               "--supports-n", "--edit-region-mode", "none")
    shutil.copy(theirs.home / "gpt-image-2-skill" / "config.json",
                ours.home / "gpt-image-2-skill" / "config.json"
                if (ours.home / "gpt-image-2-skill").exists() else _mk(ours))
    a, b = ours.run("config", "list-providers"), theirs.run("config", "list-providers")
    assert key_gaps(a.payload, b.payload) == []
    ours.run("secret", "set", "gw", "extra", "--value", "x")
    shutil.copy(ours.home / "gpt-image-2-skill" / "config.json",
                theirs.home / "gpt-image-2-skill" / "config.json")
    status = theirs.run("secret", "get", "gw", "extra", "--status")
    assert status.payload["ready"] is True


def _mk(side: Side) -> Path:
    (side.home / "gpt-image-2-skill").mkdir(parents=True, exist_ok=True)
    return side.home / "gpt-image-2-skill" / "config.json"


def test_doctor_and_auth_inspect(sides: tuple[Side, Side], fake_openai: FakeOpenAI,
                                 fake_codex: FakeCodex) -> None:
    access, refresh = fake_codex.issue()
    for side in sides:
        write_auth(side.home / "auth.json", access, refresh)
    flags = [*gateway(fake_openai), "--endpoint", fake_codex.endpoint]
    for env in ({"OPENAI_API_KEY": KEY}, {}):
        ours, theirs = both(sides, *flags, "doctor", env=env)
        same_shape(ours, theirs)
        for key in ("resolved", "reason", "kind", "supports_n", "edit_region_mode"):
            assert ours.payload["provider_selection"][key] == theirs.payload[
                "provider_selection"][key]
        assert ours.payload["ok"] is theirs.payload["ok"] is True
    ours, theirs = both(sides, "auth", "inspect")
    same_shape(ours, theirs)
    drop = ("auth_file", "seconds_until_expiry")
    mine = {k: v for k, v in ours.payload["providers"]["codex"].items() if k not in drop}
    ref = {k: v for k, v in theirs.payload["providers"]["codex"].items() if k not in drop}
    assert mine == ref
    ours, theirs = both(sides, "doctor")  # nothing usable: never fails, same error code
    assert ours.code == theirs.code == 0


def _write_auth_both(sides: tuple[Side, Side], fake: FakeCodex) -> None:
    access, refresh = fake.issue()
    for side in sides:
        write_auth(side.home / "auth.json", access, refresh)


def test_generate_against_fake_openai(sides: tuple[Side, Side],
                                      fake_openai: FakeOpenAI) -> None:
    args = [*gateway(fake_openai), "--json-events", "images", "generate", "--prompt",
            "a red apple", "--out", "out/apple.png", "--size", "2K", "--quality", "high",
            "--format", "png", "--compression", "80", "--moderation", "low",
            "--background", "opaque"]
    ours, theirs = both(sides, *args, env={"OPENAI_API_KEY": KEY})
    same_shape(ours, theirs)
    mine, ref = split(fake_openai.requests)
    assert mine["json"] == ref["json"]
    assert ours.payload["output"] == theirs.payload["output"]  # relative path kept
    assert ours.payload["request"] == theirs.payload["request"]
    assert ours.payload["response"] == theirs.payload["response"]
    provider_events = [e["type"] for e in ours.events if not e["type"].startswith("job.")]
    assert provider_events == [e["type"] for e in theirs.events]
    ours, theirs = both(sides, "history", "list")
    same_shape(ours, theirs)
    assert ours.payload["jobs"][0]["command"] == theirs.payload["jobs"][0]["command"]


def test_edit_against_fake_openai(sides: tuple[Side, Side], fake_openai: FakeOpenAI) -> None:
    data_url = "data:image/png;base64," + __import__("base64").b64encode(png_bytes()).decode()
    args = [*gateway(fake_openai), "images", "edit", "--prompt", "make it blue",
            "--ref-image", "ref.png", "--ref-image", "ref.jpg", "--ref-image", data_url,
            "--mask", "mask.png", "--input-fidelity", "high", "--size", "1024x1536",
            "--quality", "xhigh", "--n", "1", "--out", "out/edit.png"]
    ours, theirs = both(sides, *args, env={"OPENAI_API_KEY": KEY})
    same_shape(ours, theirs)
    mine, ref = split(fake_openai.requests)
    assert mine["order"] == ref["order"]
    assert mine["form"] == ref["form"]
    assert [(f["field"], f["content_type"]) for f in mine["files"]] == [
        (f["field"], f["content_type"]) for f in ref["files"]]
    assert ours.payload["request"] == theirs.payload["request"]


def test_codex_generate_against_fake_codex(sides: tuple[Side, Side],
                                           fake_codex: FakeCodex) -> None:
    _write_auth_both(sides, fake_codex)
    args = ["--provider", "codex", "--endpoint", fake_codex.endpoint, "--json-events",
            "images", "generate", "--prompt", "a cute cat", "--size", "1024x1024",
            "--quality", "high", "--out", "out/cat.png"]
    ours, theirs = both(sides, *args)
    same_shape(ours, theirs)
    mine, ref = split(fake_codex.requests)
    assert mine["json"] == ref["json"]
    for header in ("authorization", "chatgpt-account-id", "accept", "content-type",
                   "originator"):
        assert mine["headers"][header] == ref["headers"][header], header
    assert ours.payload["response"] == theirs.payload["response"]
    assert {k: v for k, v in ours.payload["auth"].items() if k != "auth_file"} == {
        k: v for k, v in theirs.payload["auth"].items() if k != "auth_file"}
    provider_events = [e["type"] for e in ours.events if not e["type"].startswith("job.")]
    assert provider_events == [e["type"] for e in theirs.events]


def test_request_create_side_by_side(sides: tuple[Side, Side], fake_codex: FakeCodex) -> None:
    _write_auth_both(sides, fake_codex)
    body = {"model": "gpt-5.4", "stream": True, "store": False, "instructions": "x",
            "input": [{"role": "user", "content": [{"type": "input_text", "text": "raw"}]}],
            "tools": [{"type": "image_generation", "action": "generate"}]}
    for side in sides:
        (side.cwd / "body.json").write_text(json.dumps(body))
    ours, theirs = both(sides, "--endpoint", fake_codex.endpoint, "request", "create",
                        "--body-file", "body.json")
    same_shape(ours, theirs)
    assert ours.payload["output_items"] == theirs.payload["output_items"]
    assert ours.payload["image_output"] == theirs.payload["image_output"]


REJECTED = ["100x100", "1000x1000", "800x800", "3840x2176", "2896x2896", "3840x1024",
            "2048x512", "4096x1024", "0x1024", "1k", "abc", "1024x1024x1", "1024 x 1024", ""]


# The reference names the broken size rule only by its parser message; ours carries the
# same text as ``error.message`` and names the rule in ``error.detail.rule``. The mapping
# is docs/decisions/0008-size-rule-names.md.
SIZE_RULE_BY_MESSAGE = {
    "Image size must be auto, 2K, 4K, or WIDTHxHEIGHT.": "format",
    "Image size must use positive width and height values.": "positive",
    "Image size must use width and height values that are multiples of 16.": "multiple_of_16",
    "Image size supports a maximum edge of 3840px.": "max_edge",
    "Image size supports at least 655360 total pixels.": "min_pixels",
    "Image size supports up to 8294400 total pixels.": "max_pixels",
    "Image size supports a maximum aspect ratio of 3:1.": "max_aspect",
}


def reference_size_rule(size: str, message: str) -> str:
    """The rule text of the reference's parser error for ``--size``."""
    head = f"error: invalid value '{size}' for '--size <SIZE>': "
    tail = "\n\nFor more information, try '--help'.\n"
    assert message.startswith(head) and message.endswith(tail), message
    return message[len(head):-len(tail)]


def test_size_errors(sides: tuple[Side, Side], fake_openai: FakeOpenAI) -> None:
    """Deviation: ours is invalid_argument (exit 1, detail.rule) where the reference has a
    parser-level invalid_command (exit 2); the rule's message is the same text, and
    ``detail.rule`` is the documented name of the rule the reference's text states."""
    rules = set()
    for size in REJECTED:
        ours, theirs = both(sides, *gateway(fake_openai), "images", "generate", "--prompt",
                            "x", "--out", "x.png", "--size", size, env={"OPENAI_API_KEY": KEY})
        assert (theirs.code, theirs.payload["error"]["code"]) == (2, "invalid_command"), size
        assert (ours.code, ours.payload["error"]["code"]) == (1, "invalid_argument"), size
        their_rule = reference_size_rule(size, theirs.payload["error"]["message"])
        assert ours.payload["error"]["message"] == their_rule, size
        assert ours.payload["error"]["detail"] == {
            "rule": SIZE_RULE_BY_MESSAGE[their_rule], "size": size}, size
        rules.add(SIZE_RULE_BY_MESSAGE[their_rule])
    assert rules == set(SIZE_RULE_BY_MESSAGE.values())  # every rule was broken once
    assert fake_openai.requests == []


@pytest.mark.parametrize(("provider", "code"), [
    ("auto", "provider_unavailable"), ("openai", "api_key_missing"),
    ("codex", "access_token_missing"), ("nope", "provider_unknown")])
def test_doctor_without_a_usable_provider(sides: tuple[Side, Side], fake_openai: FakeOpenAI,
                                          provider: str, code: str) -> None:
    """No key, no auth.json, no config: doctor still succeeds on both sides and reports
    the same ``provider_selection`` error."""
    ours, theirs = both(sides, *gateway(fake_openai), "--provider", provider, "doctor")
    assert ours.code == theirs.code == 0
    assert ours.payload["ok"] is theirs.payload["ok"]
    mine, ref = ours.payload["provider_selection"], theirs.payload["provider_selection"]
    assert mine["error"]["code"] == ref["error"]["code"] == code
    for key in ("requested", "resolved", "reason"):
        assert mine[key] == ref[key], key
    mine_error = json.loads(json.dumps(mine["error"]).replace(str(sides[0].home), "<home>"))
    ref_error = json.loads(json.dumps(ref["error"]).replace(str(sides[1].home), "<home>"))
    assert key_gaps(mine_error, ref_error) == []
    if code == "api_key_missing":  # decisions/0008: the loader's detail, in doctor too
        assert ref_error["detail"] is None
        ref_error["detail"] = {"env_var": "OPENAI_API_KEY", "provider": "openai"}
    assert mine_error == ref_error


@pytest.mark.parametrize("size", ["816x816", " 2K ", "4K", "auto", "01024X1024", "2880x2880"])
def test_accepted_sizes_normalise_alike(sides: tuple[Side, Side], fake_openai: FakeOpenAI,
                                        size: str) -> None:
    ours, theirs = both(sides, *gateway(fake_openai), "images", "generate", "--prompt", "x",
                        "--out", "x.png", "--size", size, env={"OPENAI_API_KEY": KEY})
    assert ours.code == theirs.code == 0
    mine, ref = split(fake_openai.requests)
    assert mine["json"]["size"] == ref["json"]["size"]


ERRORS: list[tuple[list[str], dict[str, str], str]] = [
    (["--provider", "nope", "images", "generate", "--prompt", "x", "--out", "x.png"], {},
     "provider_unknown"),
    (["--provider", "openai", "images", "generate", "--prompt", "x", "--out", "x.png"], {},
     "api_key_missing"),
    (["--provider", "codex", "images", "generate", "--prompt", "x", "--out", "x.png"], {},
     "access_token_missing"),
    (["images", "generate", "--prompt", "x", "--out", "x.png"], {}, "provider_unavailable"),
    (["images", "generate", "--prompt", "REJECT", "--out", "x.png"], {"OPENAI_API_KEY": KEY},
     "http_error"),
    (["images", "edit", "--prompt", "x", "--out", "x.png", "--ref-image", "missing.png"],
     {"OPENAI_API_KEY": KEY}, "ref_image_missing"),
    (["images", "edit", "--prompt", "x", "--out", "x.png", "--ref-image", "notes.txt"],
     {"OPENAI_API_KEY": KEY}, "ref_image_invalid"),
    (["images", "edit", "--prompt", "x", "--out", "x.png", "--ref-image",
      "http://example.com/a.png"], {"OPENAI_API_KEY": KEY}, "image_url_insecure"),
    (["images", "edit", "--prompt", "x", "--out", "x.png", "--ref-image",
      "data:image/png,abc"], {"OPENAI_API_KEY": KEY}, "invalid_data_url"),
    (["images", "edit", "--prompt", "x", "--out", "x.png", *["--ref-image", "ref.png"] * 17],
     {"OPENAI_API_KEY": KEY}, "ref_image_too_many"),
    (["config", "add-provider", "--name", "a b"], {}, "provider_invalid_name"),
    (["config", "add-provider", "--name", "x", "--supports-n", "--no-supports-n"], {},
     "invalid_provider_config"),
    (["config", "set-default", "nope"], {}, "provider_unknown"),
    (["config", "test-provider", "openai"], {}, "provider_unknown"),
    (["secret", "get", "nope", "k"], {}, "provider_unknown"),
    (["history", "show", "nope"], {}, "history_not_found"),
    (["request", "create", "--body-file", "missing.json", "--request-operation", "generate"],
     {"OPENAI_API_KEY": KEY}, "invalid_body_json"),
    (["--provider", "openai", "auth", "inspect"], {}, "api_key_missing"),
    (["--provider", "codex", "auth", "inspect"], {}, "access_token_missing"),
    (["images", "generate", "--prompt", "x", "--out", "x.png", "--quality", "ultra"], {},
     "invalid_command"),
    (["images", "generate", "--prompt", "x", "--out", "x.png", "--n", "0"], {},
     "invalid_command"),
    (["doctor-nope"], {}, "invalid_command"),
]


@pytest.mark.parametrize(("args", "env", "code"), ERRORS,
                         ids=[" ".join(a)[:60] for a, _, _ in ERRORS])
def test_error_codes_match(sides: tuple[Side, Side], fake_openai: FakeOpenAI,
                           args: list[str], env: dict[str, str], code: str) -> None:
    ours, theirs = both(sides, *gateway(fake_openai), *args, env=env)
    assert theirs.payload["error"]["code"] == code, theirs.payload
    assert ours.payload["error"]["code"] == code, ours.payload
    assert ours.code == theirs.code
    assert set(ours.payload) == set(theirs.payload) == {"ok", "error"}


def test_secret_and_codex_errors(sides: tuple[Side, Side], fake_codex: FakeCodex) -> None:
    for side in sides:
        side.run("config", "add-provider", "--name", "gw", "--api-key", "sk-gw-0123456789")
    cases: list[tuple[list[str], str]] = [
        (["secret", "set", "gw", "e", "--source", "env"], "secret_env_missing"),
        (["secret", "set", "gw", "e", "--source", "vault", "--value", "v"],
         "secret_source_unsupported"),
        (["secret", "get", "gw", "nope"], "credential_missing"),
    ]
    _write_auth_both(sides, fake_codex)
    codex = ["--provider", "codex", "--endpoint", fake_codex.endpoint]
    cases += [
        ([*codex, "images", "generate", "--prompt", "x", "--out", "x.png", "--moderation",
          "low"], "unsupported_option"),
        ([*codex, "images", "edit", "--prompt", "x", "--out", "x.png", "--ref-image", "ref.png",
          "--mask", "mask.png"], "unsupported_option"),
        ([*codex, "images", "generate", "--prompt", "NOIMAGE", "--out", "x.png"],
         "missing_image_result"),
        ([*codex, "images", "generate", "--prompt", "REFUSE", "--out", "x.png"],
         "request_failed"),
    ]
    for args, code in cases:
        ours, theirs = both(sides, *args)
        assert (ours.payload["error"]["code"], theirs.payload["error"]["code"]) == (code, code)
        assert ours.payload["error"]["message"] == theirs.payload["error"]["message"], args


def test_local_inputs_are_checked_before_selection(sides: tuple[Side, Side]) -> None:
    """Deviation: the CLI reads local inputs (body file, reference images) before it asks
    the service to select a provider; the reference selects first."""
    ours, theirs = both(sides, "request", "create", "--body-file", "missing.json")
    assert theirs.payload["error"]["code"] == "provider_unavailable"
    assert ours.payload["error"]["code"] == "invalid_body_json"
