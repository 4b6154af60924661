"""Reading docs/*.md for the documentation tests: fenced blocks, sections, code spans."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Block", "Section", "blocks", "code_spans", "examples", "mentions", "sections"]

SHELL = ("sh", "bash", "shell")
_FENCE = re.compile(r"^```(\S*)\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_SPAN = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class Block:
    lang: str
    lines: tuple[str, ...]
    """Backslash continuations already joined."""


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    text: str
    """The heading line and everything up to the next heading of the same or a higher level."""


def blocks(path: Path) -> list[Block]:
    found: list[Block] = []
    lang: str | None = None
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fence = _FENCE.match(line)
        if fence and lang is None:
            lang, current = fence.group(1), []
        elif line.startswith("```") and lang is not None:
            text = "\n".join(current).replace("\\\n", " ")
            found.append(Block(lang, tuple(text.splitlines())))
            lang = None
        elif lang is not None:
            current.append(line)
    assert lang is None, f"{path.name}: unclosed code block"
    return found


def examples(path: Path) -> list[str]:
    """Every command line of the shell blocks, in order (blank and ``#`` lines skipped)."""
    return [line.strip() for block in blocks(path) if block.lang in SHELL
            for line in block.lines if line.strip() and not line.lstrip().startswith("#")]


def sections(path: Path) -> list[Section]:
    lines = path.read_text(encoding="utf-8").splitlines()
    heads: list[tuple[int, int, str]] = []
    inside = False
    for index, line in enumerate(lines):
        if line.startswith("```"):
            inside = not inside
            continue
        heading = None if inside else _HEADING.match(line)
        if heading:
            heads.append((index, len(heading.group(1)), heading.group(2)))
    found = []
    for position, (start, level, title) in enumerate(heads):
        end = next((other for other, lvl, _ in heads[position + 1:] if lvl <= level), len(lines))
        found.append(Section(level, title, "\n".join(lines[start:end])))
    return found


def code_spans(text: str) -> list[str]:
    return _SPAN.findall(text)


def mentions(text: str, token: str) -> bool:
    """``token`` appears as a whole word (``-`` counts as part of a word) in a code span
    or a shell example of ``text``."""
    word = re.compile(rf"(?<![\w-]){re.escape(token)}(?![\w-])")
    if any(word.search(span) for span in code_spans(text)):
        return True
    in_shell, lines = False, []
    for line in text.splitlines():
        if line.startswith("```"):
            in_shell = not in_shell and line[3:].strip() in SHELL
            continue
        if in_shell:
            lines.append(line)
    return any(word.search(line) for line in lines)
