"""Nothing the program has is undocumented.

* docs/cli.md: every command of the real argparse tree has its own section (a heading
  naming it in a code span), and every flag and positional argument of that command is
  named in that section; the global flags are named in "Global options".
* docs/cli.md "Error codes": every error code the backend can raise (collected from the
  source with ``ast``) is a row with a meaning.
* docs/configuration.md: every field path of config.json (the default document and the
  models that validate its sections, walked recursively) is named in a code span.
"""

from __future__ import annotations

import argparse
import ast
import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel

from gpt_image_2.cli.main import build_parser
from tests.conftest import REPO
from tests.docs.markdown import Section, code_spans, mentions, sections

CLI = REPO / "docs" / "cli.md"
CONFIGURATION = REPO / "docs" / "configuration.md"
BACKEND = REPO / "backend" / "gpt_image_2"


# --- commands and flags -------------------------------------------------------------------

def _commands(parser: argparse.ArgumentParser, path: str = ""
              ) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every leaf command (one without subcommands) with its parser; ``""`` is the root."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs or not path:
        yield path, parser
    for action in subs:
        for name, sub in action.choices.items():
            yield from _commands(sub, f"{path} {name}".strip())


def _arguments(parser: argparse.ArgumentParser) -> list[str]:
    """Flags, and positionals as the placeholder the docs show (``JOB_ID``, ``PROVIDER``)."""
    names: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        if action.option_strings:
            names.extend(action.option_strings)
        else:
            names.append(str(action.metavar or action.dest).upper())
    return names


def _command_section(command: str, found: list[Section]) -> Section | None:
    """The section whose heading's first code span is the command (placeholders may follow)."""
    for section in found:
        spans = code_spans(section.title)
        if spans and (spans[0] == command or spans[0].startswith(command + " ")):
            return section
    return None


def test_commands_come_from_the_parser() -> None:
    commands = {path for path, _ in _commands(build_parser()) if path}
    # a sanity floor, so that a broken walk cannot pass the tests below vacuously
    assert {"serve", "images generate", "transparent extract", "history open-output",
            "auth refresh", "secret delete", "help"} <= commands
    assert len(commands) >= 26


def test_every_command_has_a_section_naming_each_of_its_arguments() -> None:
    found = sections(CLI)
    missing: list[str] = []
    for command, parser in _commands(build_parser()):
        if not command:
            section = next((s for s in found if s.title == "Global options"), None)
        else:
            section = _command_section(command, found)
        if section is None:
            missing.append(f"{command or 'global'}: no section")
            continue
        names = [name for name in _arguments(parser)
                 if not command or name not in ("-h", "--help")]  # help: in Global options
        missing += [f"{command or 'global'}: {name}" for name in names
                    if not mentions(section.text, name)]
    assert missing == []


# --- error codes --------------------------------------------------------------------------

_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_CODE_PARAMS = ("code", "error_code")


def _literals(node: ast.AST | None) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.BoolOp):  # err.get("code") or "fallback_code"
        return [value for item in node.values for value in _literals(item)]
    return []


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def backend_error_codes() -> dict[str, set[str]]:
    """Every error code literal in the backend, with the modules it comes from.

    A code is a string given to a ``code``/``error_code`` parameter of any backend
    function or error class (``AppError``, ``NotFound``, ``RelayError``, helpers such
    as ``_fail``), the default of such a parameter, a ``"code": ...`` entry of a dict
    literal, or a value assigned to a variable named ``code``.
    """
    trees = {path: ast.parse(path.read_text(encoding="utf-8"))
             for path in BACKEND.rglob("*.py")}
    takes: dict[str, tuple[int | None, str]] = {}
    defaults: list[ast.expr] = []
    for tree in trees.values():
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            params = [a.arg for a in node.args.posonlyargs + node.args.args]
            skip = 1 if params and params[0] in ("self", "cls") else 0
            owner = node.name
            if node.name == "__init__":  # an error class: called by the class name
                owner = next((c.name for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
                              and node in c.body), node.name)
            for index, param in enumerate(params):
                if param in _CODE_PARAMS:
                    takes[owner] = (index - skip, param)
            for param in node.args.kwonlyargs:
                if param.arg in _CODE_PARAMS:
                    takes.setdefault(owner, (None, param.arg))
            positional = node.args.posonlyargs + node.args.args
            for param, default in zip(positional[len(positional) - len(node.args.defaults):],
                                      node.args.defaults, strict=True):
                if param.arg in _CODE_PARAMS:
                    defaults.append(default)
            for param, kw_default in zip(node.args.kwonlyargs, node.args.kw_defaults,
                                         strict=True):
                if param.arg in _CODE_PARAMS and kw_default is not None:
                    defaults.append(kw_default)
    assert {"AppError", "NotFound", "ConflictError", "RelayError"} <= set(takes)
    codes: dict[str, set[str]] = {}

    def add(values: list[str], path: Path) -> None:
        for value in values:
            if _CODE.match(value):
                codes.setdefault(value, set()).add(str(path.relative_to(BACKEND)))

    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) in takes:
                index, keyword = takes[str(_callee(node))]
                if index is not None and index < len(node.args):
                    add(_literals(node.args[index]), path)
                for kw in node.keywords:
                    if kw.arg == keyword:
                        add(_literals(kw.value), path)
            elif isinstance(node, ast.Call) and _callee(node) == "__init__" and node.args:
                add(_literals(node.args[0]), path)  # super().__init__("code", ...)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "code":
                        add(_literals(value), path)
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in _CODE_PARAMS for t in node.targets):
                add(_literals(node.value), path)
            elif node in defaults:
                add(_literals(node), path)  # type: ignore[arg-type]
    return codes


def _documented_codes() -> dict[str, str]:
    """``code -> meaning`` from the rows of the "Error codes" table of docs/cli.md."""
    section = next(s for s in sections(CLI) if s.title == "Error codes")
    table: dict[str, str] = {}
    for line in section.text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3 or set(cells[0]) <= {"-", " "}:
            continue
        for code in code_spans(cells[0]):
            table[code] = cells[-1]
    return table


def test_error_code_collection_finds_every_package() -> None:
    codes = backend_error_codes()
    packages = {source.split("/")[0] for sources in codes.values() for source in sources}
    assert {"cli", "console", "config", "providers", "jobs", "relay", "notifications",
            "transparent", "imaging", "web", "settings.py", "fsutil.py"} <= packages
    # a code given through a helper, a keyword default, a fallback and a dict entry are seen
    assert {"relay_upstream_port", "lock_failed", "lock_timeout", "job_failed",
            "batch_partial_failed", "notification_webhook_private",
            "unauthenticated_bind_refused"} <= set(codes)


def test_every_error_code_is_documented_with_a_meaning() -> None:
    table = _documented_codes()
    codes = backend_error_codes()
    missing = sorted(f"{code} ({', '.join(sorted(codes[code]))})" for code in codes
                     if code not in table)
    assert missing == []
    assert sorted(code for code, meaning in table.items() if len(meaning) < 10) == []


# --- config.json fields ---------------------------------------------------------------------

def _models(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside a field annotation (unions, lists, dicts, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models(arg)
    return found


def _container(annotation: Any) -> str:
    """``[]`` for a list, ``.<name>`` for a dict keyed by names, else ``""``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _container(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return next((c for c in map(_container, typing.get_args(annotation)) if c), "")
    if origin is list:
        return "[]"
    if origin is dict:
        return ".<name>"
    return ""


def _model_paths(model: type[BaseModel], prefix: str, leaves: tuple[type, ...]
                 ) -> Iterator[str]:
    for name, field in model.model_fields.items():
        path = f"{prefix}.{field.alias or name}"
        yield path
        inner = [m for m in _models(field.annotation) if m not in leaves]
        for sub in inner:
            yield from _model_paths(sub, path + _container(field.annotation), leaves)


def _document_paths(value: Any, prefix: str) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            yield from _document_paths(item, path)


def config_field_paths() -> set[str]:
    """Every field path of config.json, ``<name>`` for map keys and ``[]`` for list items.

    Credential references (``SecretRef``) are documented once, in "Credentials", so
    their inner fields are not repeated for every place that holds one.
    """
    from gpt_image_2.config.models import (
        LoggingSettings,
        PathConfig,
        ProxySettings,
        SecretRef,
        StorageSettings,
    )
    from gpt_image_2.config.store import default_document
    from gpt_image_2.console.models import CredentialInput, ProviderUpsert
    from gpt_image_2.web.routes.notifications import NotificationSettings

    paths = set(_document_paths(default_document(), ""))
    roots: dict[str, type[BaseModel]] = {
        "notifications": NotificationSettings, "storage": StorageSettings,
        "paths": PathConfig, "proxy": ProxySettings, "logging": LoggingSettings,
    }
    for root, model in roots.items():
        paths |= set(_model_paths(model, root, (SecretRef,)))
    request_only = {"set_default", "allow_overwrite"}  # PUT switches, never stored
    for path in _model_paths(ProviderUpsert, "providers.<name>", (CredentialInput,)):
        if path.split(".")[2] not in request_only:
            paths.add(path)
    paths.add("providers.<name>.credentials.<name>")
    paths |= {f"providers.<name>.proxy.{name}" for name in ProxySettings.model_fields}
    # the storage targets are a union keyed by ``type``: ``storage.targets.<name>.<field>``
    return paths


def test_config_walk_reaches_every_section() -> None:
    paths = config_field_paths()
    assert {"notifications.toast.enabled", "notifications.system.mode",
            "notifications.webhooks[].timeout_seconds", "notifications.email.from",
            "paths.legacy_shared_codex_dir.enabled_for_read",
            "storage.pipeline.cleanup.retention_days", "storage.targets.<name>.bucket",
            "storage.targets.<name>.use_direct_link", "storage.policy.locked_origin",
            "providers.<name>.edit_region_mode", "proxy.no_proxy", "logging.debug"} <= paths


def test_every_config_field_is_documented() -> None:
    spans = set(code_spans(CONFIGURATION.read_text(encoding="utf-8")))
    assert sorted(path for path in config_field_paths() if path not in spans) == []


# --- environment settings -------------------------------------------------------------------

def test_every_setting_is_documented() -> None:
    """Every process setting's variable is in configuration.md (the relay's in relay.md)."""
    from gpt_image_2.settings import Settings

    texts = {name: (REPO / "docs" / name).read_text(encoding="utf-8")
             for name in ("configuration.md", "relay.md")}
    missing = []
    for name, field in Settings.model_fields.items():
        if name == "embedded":  # set by the CLI itself, not from the environment
            continue
        alias = field.validation_alias
        variable = (alias.choices[0] if isinstance(alias, AliasChoices)
                    else f"GPT_IMAGE_2_{name.upper()}")
        doc = "relay.md" if name.startswith("relay_") else "configuration.md"
        if f"`{variable}`" not in texts[doc]:
            missing.append(f"{doc}: {variable}")
    assert missing == []
