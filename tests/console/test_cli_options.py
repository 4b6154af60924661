"""Embedded CLI options: ``--auth-file`` for Codex, portrait 4K and size rules (CLI and
the edit route), ``--instructions`` refused for OpenAI."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import pytest

from tests.console.helpers import Cli
from tests.fakes.codex import FakeCodex
from tests.fakes.fixtures import write_auth
from tests.fakes.images import png_bytes
from tests.fakes.openai import FakeOpenAI

# -- --auth-file (embedded) ---------------------------------------------------------------

def test_auth_file_flag_serves_codex_generate(cli: Cli, env: Path, tmp_path: Path,
                                              fake_codex: FakeCodex) -> None:
    access, refresh = fake_codex.issue()
    auth = tmp_path / "elsewhere" / "work-auth.json"
    write_auth(auth, access, refresh)
    out = tmp_path / "cat.png"
    code, payload = cli("images", "generate", "--prompt", "a cat", "--out", str(out))
    assert (code, payload["error"]["code"]) == (1, "provider_unavailable")  # not in CODEX_HOME
    assert fake_codex.requests == []

    code, payload = cli("--auth-file", str(auth), "images", "generate", "--prompt", "a cat",
                        "--out", str(out))
    assert code == 0, payload
    assert payload["provider_selection"]["resolved"] == "codex"
    assert payload["provider_selection"]["reason"] == "auto_codex_auth"
    assert payload["auth"]["auth_file"] == str(auth)
    assert fake_codex.requests[-1]["headers"]["authorization"] == f"Bearer {access}"
    assert out.read_bytes() == fake_codex.image
    assert not (env / "auth.json").exists()


def test_auth_file_flag_refreshes_into_that_file(cli: Cli, env: Path, tmp_path: Path,
                                                 fake_codex: FakeCodex) -> None:
    access, refresh = fake_codex.issue()
    auth = tmp_path / "elsewhere" / "work-auth.json"
    write_auth(auth, access, refresh)
    fake_codex.expire()
    code, payload = cli("--auth-file", str(auth), "--provider", "codex", "images", "generate",
                        "--prompt", "a cat", "--out", str(tmp_path / "cat.png"))
    assert code == 0, payload
    assert payload["auth"]["refreshed"] is True
    tokens = json.loads(auth.read_text())["tokens"]
    assert tokens["access_token"] != access and tokens["access_token"] in fake_codex.valid_tokens
    assert tokens["refresh_token"] != refresh
    assert fake_codex.token_requests[-1]["json"]["refresh_token"] == refresh
    assert not (env / "auth.json").exists()


# -- sizes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("size", ["2160x3840", "3840x2160", "4K"])
def test_4k_portrait_and_landscape_are_accepted(cli: Cli, keyed: None, tmp_path: Path,
                                                fake_openai: FakeOpenAI, size: str) -> None:
    code, payload = cli("images", "generate", "--prompt", "tall", "--size", size, "--out",
                        str(tmp_path / "t.png"))
    assert code == 0, payload
    expected = "3840x2160" if size == "4K" else size
    assert fake_openai.requests[-1]["json"]["size"] == expected


SIZE_RULES = [
    ("huge", "format", "Image size must be auto, 2K, 4K, or WIDTHxHEIGHT."),
    ("0x1024", "positive", "Image size must use positive width and height values."),
    ("1000x1000", "multiple_of_16",
     "Image size must use width and height values that are multiples of 16."),
    ("2160x3856", "max_edge", "Image size supports a maximum edge of 3840px."),
    ("800x800", "min_pixels", "Image size supports at least 655360 total pixels."),
    ("2896x2896", "max_pixels", "Image size supports up to 8294400 total pixels."),
    ("2048x512", "max_aspect", "Image size supports a maximum aspect ratio of 3:1."),
]


@pytest.mark.parametrize(("size", "rule", "message"), SIZE_RULES)
async def test_edit_route_names_the_broken_size_rule(
    api: httpx.AsyncClient, fake_openai: FakeOpenAI, size: str, rule: str, message: str
) -> None:
    ref = {"name": "a.png", "data_base64": base64.b64encode(png_bytes()).decode()}
    response = await api.post("/api/images/edit", json={"prompt": "x", "refs": [ref],
                                                        "size": size})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == {"code": "invalid_argument", "message": message,
                                        "detail": {"rule": rule, "size": size}}
    assert fake_openai.requests == []


async def test_edit_route_accepts_portrait_4k(api: httpx.AsyncClient,
                                              fake_openai: FakeOpenAI) -> None:
    ref = {"name": "a.png", "data_base64": base64.b64encode(png_bytes()).decode()}
    response = await api.post("/api/images/edit", json={"prompt": "x", "refs": [ref],
                                                        "size": "2160x3840"})
    assert response.status_code == 200, response.text
    job_id = response.json()["job_id"]
    async with api.stream("GET", f"/api/jobs/{job_id}/events") as stream:
        async for _ in stream.aiter_lines():
            pass
    assert fake_openai.requests[-1]["form"]["size"] == "2160x3840"


def test_cli_edit_names_the_broken_size_rule(cli: Cli, keyed: None, tmp_path: Path,
                                             fake_openai: FakeOpenAI) -> None:
    ref = tmp_path / "r.png"
    ref.write_bytes(png_bytes())
    code, payload = cli("images", "edit", "--prompt", "x", "--ref-image", str(ref), "--size",
                        "2160x3856", "--out", str(tmp_path / "e.png"))
    assert code == 1
    assert payload["error"]["code"] == "invalid_argument"
    assert payload["error"]["detail"] == {"rule": "max_edge", "size": "2160x3856"}
    assert fake_openai.requests == []


# -- --instructions is Codex-only --------------------------------------------------------------

@pytest.mark.parametrize("command", ["generate", "edit"])
def test_instructions_refused_for_openai(cli: Cli, keyed: None, tmp_path: Path,
                                         fake_openai: FakeOpenAI, command: str) -> None:
    ref = tmp_path / "r.png"
    ref.write_bytes(png_bytes())
    extra = ["--ref-image", str(ref)] if command == "edit" else []
    code, payload = cli("--provider", "openai", "images", command, "--prompt", "x", *extra,
                        "--instructions", "Answer in one word.", "--out",
                        str(tmp_path / "o.png"))
    assert code == 1
    assert payload["error"]["code"] == "unsupported_option"
    assert payload["error"]["message"] == "--instructions is supported by the codex provider."
    assert fake_openai.requests == []
    # the default text is no request for Codex behaviour, so it passes (providers.md §6.3)
    code, payload = cli("--provider", "openai", "images", command, "--prompt", "x", *extra,
                        "--instructions", "You are a concise assistant.", "--out",
                        str(tmp_path / "o.png"))
    assert code == 0, payload
