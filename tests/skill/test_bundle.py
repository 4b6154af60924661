"""The bundle itself: front matter, links, eval files, and docs that match our CLI."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from tests.skill.harness import EVALS_DIR, SKILL_DIR, inspect_command, load_evals

DOCS = [SKILL_DIR / "SKILL.md", *sorted((SKILL_DIR / "references").glob("*.md")),
        Path(__file__).resolve().parents[2] / "docs" / "skill.md"]
REFERENCES = ["json-output.md", "json-events.md", "providers.md", "transparent-png.md",
              "sizes-and-formats.md", "troubleshooting.md"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _front_matter() -> dict[str, str]:
    text = (SKILL_DIR / "SKILL.md").read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    assert match, "SKILL.md must start with YAML front matter"
    fields: dict[str, str] = {}
    key = ""
    for line in match.group(1).splitlines():
        if re.match(r"^[a-z_]+:", line):
            key, _, value = line.partition(":")
            fields[key] = value.strip().removeprefix(">-").strip()
        elif key:
            fields[key] = f"{fields[key]} {line.strip()}".strip()
    return fields


def test_front_matter_names_the_folder_and_describes_triggers() -> None:
    meta = _front_matter()
    assert meta["name"] == SKILL_DIR.name == "gpt-image-2"
    description = meta["description"]
    assert 200 <= len(description) <= 1024
    for phrase in ("generate", "edit", "transparent", "logo", "icon", "Codex",
                   "生成图片", "透明背景", "换背景", "抠图"):
        assert phrase in description, phrase
    # the near misses of trigger-eval.json are named as out of scope
    for phrase in ("OCR", "describing", "compressing", "renaming", "API keys", "explaining"):
        assert phrase in description, phrase


def test_references_exist_and_are_linked() -> None:
    skill = (SKILL_DIR / "SKILL.md").read_text(encoding="utf-8")
    for name in REFERENCES:
        assert (SKILL_DIR / "references" / name).is_file(), name
        assert f"references/{name}" in skill, f"SKILL.md does not link {name}"
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).is_file(), f"{doc.name} links missing {target}"


def test_trigger_eval_is_balanced_and_bilingual() -> None:
    queries = json.loads((EVALS_DIR / "trigger-eval.json").read_text(encoding="utf-8"))
    assert len(queries) == 20
    assert all(set(q) == {"query", "should_trigger"} for q in queries)
    positive = [q["query"] for q in queries if q["should_trigger"] is True]
    negative = [q["query"] for q in queries if q["should_trigger"] is False]
    assert len(positive) == len(negative) == 10
    for group in (positive, negative):
        chinese = sum(bool(CJK.search(q)) for q in group)
        assert 3 <= chinese <= 7, "each group mixes English and Chinese"
    assert len({q["query"] for q in queries}) == 20


def test_evals_json_is_well_formed() -> None:
    data = json.loads((EVALS_DIR / "evals.json").read_text(encoding="utf-8"))
    assert data["skill_name"] == "gpt-image-2"
    evals = load_evals()
    assert len({e["id"] for e in evals}) == len(evals)
    assert len({e["name"] for e in evals}) == len(evals)
    names = {e["name"] for e in evals}
    assert {"doctor-smoke", "generate-png-with-progress", "edit-with-reference-image",
            "transparent-generate-sticker"} <= names
    for task in evals:
        required = {"id", "name", "prompt", "expected_output", "assertions", "files", "run"}
        assert required <= set(task)
        assert task["run"]["args"][0] == "--json"
        assert task["run"]["expect"], task["name"]
        for outcome in task["run"]["expect"]:
            assert "exit_code" in outcome and "stdout" in outcome
            if "events" in outcome:
                assert "--json-events" in task["run"]["args"], task["name"]
        for name in task["files"]:
            assert (EVALS_DIR / name).is_file(), name
        text = json.dumps(task)
        assert set(re.findall(r"\{[a-z_]+\}", text)) <= {"{tmp}", "{files}"}


def _shell_blocks(text: str) -> list[str]:
    """The bodies of fenced code blocks tagged bash/sh or untagged."""
    blocks: list[str] = []
    current: list[str] | None = None
    shell = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            if current is None:
                current, shell = [], line.strip().strip("`") in ("", "bash", "sh")
            else:
                if shell:
                    blocks.append("\n".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def _documented_commands() -> list[tuple[str, list[str]]]:
    """Every wrapper / CLI invocation in a shell block of the docs, as argument lists."""
    found = []
    for doc in DOCS:
        for block in _shell_blocks(doc.read_text(encoding="utf-8")):
            for line in block.replace("\\\n", " ").splitlines():
                text = line.strip()
                if "gpt_image_2_cli.py" in text:
                    rest = text.split("gpt_image_2_cli.py", 1)[1]
                elif text.startswith("gpt-image-2 "):
                    rest = text.removeprefix("gpt-image-2 ")
                else:
                    continue
                args = shlex.split(rest.split(" | ")[0], comments=True)
                found.append((f"{doc.name}: {text}", args))
    return found


COMMANDS = _documented_commands()


@pytest.mark.parametrize(("where", "args"), COMMANDS, ids=[w[:80] for w, _ in COMMANDS])
def test_documented_commands_exist_in_our_cli(where: str, args: list[str]) -> None:
    check = inspect_command(args)
    assert check.missing is None, f"{where}\n  -> the CLI has no `{check.missing}` command"
    assert not check.unknown_flags, f"{where}\n  -> unknown flags {check.unknown_flags}"


def test_docs_show_commands() -> None:
    assert len(COMMANDS) >= 10
