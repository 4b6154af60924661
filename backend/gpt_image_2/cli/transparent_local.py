"""In-process fast path of ``transparent verify`` and ``transparent extract``.

Both commands are pure local work, so in embedded mode the CLI runs the same
library code the web routes call (:mod:`gpt_image_2.transparent.local`)
directly, without building the web app: no FastAPI, SQLAlchemy, httpx or
pydantic is imported, and numpy/OpenCV only when the image is read. An
extract is recorded in ``history.sqlite`` with the standard library's
``sqlite3``, as the reference CLI does.

:func:`run_local` returns ``None`` whenever it is not sure it can reproduce the
full CLI exactly (``--server``, ``--help``, a usage error, provider tuning
flags, a non-SQLite history database, ``transparent generate``): the caller then
runs the normal path, which goes through the API and gives the same envelope.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, NoReturn

from ..errors import AppError
from .output import emit_envelope, error_envelope
from .transparent_args import add_transparent_commands

__all__ = ["GLOBAL_SWITCHES", "GLOBAL_VALUE_FLAGS", "build_local_parser", "print_human",
           "run_local"]

LOCAL_SUBCOMMANDS = frozenset({"verify", "extract"})
# The global flags of cli/main.py's parser (a test keeps the two lists equal).
GLOBAL_SWITCHES = ("--json", "--human", "--json-events", "-V", "--version")
GLOBAL_VALUE_FLAGS = (
    "--server", "--token", "--provider", "--api-key", "--config", "--auth-file", "--endpoint",
    "--openai-api-base", "--retries", "--retry-delay-seconds", "--request-timeout-seconds",
)
# Validated by the full parser only: their presence sends the command down the normal path.
_CHECKED_ELSEWHERE = ("retries", "retry_delay_seconds", "request_timeout_seconds")


class _Fallback(Exception):
    """The fast path declines; the full CLI handles the command."""


def _fixed_width(prog: str) -> argparse.HelpFormatter:
    # With a width argparse does not import shutil to ask the terminal (it never prints here).
    return argparse.HelpFormatter(prog, width=100)


class _Quiet(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _fixed_width)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise _Fallback(message)

    def print_help(self, file: Any = None) -> None:
        raise _Fallback("help")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _Fallback(message or "exit")


def build_local_parser() -> argparse.ArgumentParser:
    parser = _Quiet(prog="gpt-image-2", add_help=False)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--human", action="store_true")
    parser.add_argument("--json-events", action="store_true")
    parser.add_argument("-V", "--version", action="store_true")
    for flag in GLOBAL_VALUE_FLAGS:
        parser.add_argument(flag)
    sub = parser.add_subparsers(dest="command", parser_class=_Quiet)
    add_transparent_commands(sub)
    return parser


def _parse(argv: list[str]) -> argparse.Namespace | None:
    if "transparent" not in argv:
        return None
    try:
        args = build_local_parser().parse_args(argv)
    except _Fallback:
        return None
    if args.command != "transparent" or args.subcommand not in LOCAL_SUBCOMMANDS:
        return None
    if args.version or args.server or os.environ.get("GPT_IMAGE_2_SERVER"):
        return None
    if any(getattr(args, name) is not None for name in _CHECKED_ELSEWHERE):
        return None
    return args


def _verify(args: argparse.Namespace) -> dict[str, Any]:
    from ..transparent.local import Source, verify_envelope

    return verify_envelope(Source(args.input, args.input), args.profile,
                           args.expected_matte_color, strict=args.strict)


def _extract(args: argparse.Namespace) -> dict[str, Any]:
    from ..transparent.local import ExtractParams, Source, extract, output_value, write_output
    from ..transparent.options import (
        canonical_material,
        normalize_out,
        resolve_method,
        verification_failed,
    )
    from ..transparent.records import extract_metadata, history_file_from_env, record_local_job

    out = normalize_out(args.out)
    material = canonical_material(args.material)
    method = resolve_method(args.method, has_input=args.input is not None,
                            has_dark=args.dark_image is not None,
                            has_light=args.light_image is not None)
    params = ExtractParams(
        method=method, profile=args.profile, material=material,
        matte_color=args.matte_color, threshold=args.threshold, softness=args.softness,
        spill_suppression=args.spill_suppression,
    )
    sources: dict[str, Source] = (
        {"dark": Source(args.dark_image, args.dark_image),
         "light": Source(args.light_image, args.light_image)}
        if method == "dual" else {"input": Source(args.input, args.input)}
    )
    done = extract(params, output_label=out, **sources)
    write_output(out, done.png)  # kept on disk even when the strict gate fails
    if args.strict and not done.passed:
        raise verification_failed({"output": out, "verification": done.verification})
    output = output_value(out, len(done.png))
    from pathlib import Path

    absolute = str(Path(out).absolute())
    job_id = record_local_job(
        history_file_from_env(), command="transparent extract", provider="local",
        status="completed", output_path=absolute,
        metadata=extract_metadata(
            method=method, profile=args.profile, material=material,
            output=output_value(absolute, len(done.png)), extraction=done.extraction,
            verification=done.verification),
    )
    return {"ok": True, "command": "transparent extract", "method": method,
            "profile": args.profile, "material": material, "extraction": done.extraction,
            "verification": done.verification, "output": output, "history": {"job_id": job_id}}


def _uses_sqlite() -> bool:
    from ..transparent.records import env_value

    url = env_value(os.environ, "GPT_IMAGE_2_DATABASE_URL")
    return url is None or url.startswith("sqlite")


def print_human(payload: dict[str, Any]) -> None:
    """A short human summary of a transparent result (stdout)."""
    verification = payload.get("verification") or {}
    output = payload.get("output") or {}
    if output.get("path"):
        print(f"Saved {output['path']} ({(output.get('bytes') or 0) / 1024:.1f} KB)")
    source = payload.get("source") or {}
    if source.get("kept") and source.get("path"):
        print(f"Source {source['path']}")
    profile = verification.get("profile") or payload.get("profile")
    size = f"{verification.get('width')}x{verification.get('height')}"
    if verification.get("passed"):
        print(f"Verification passed ({profile}, {size}, quality "
              f"{verification.get('quality_score', 0):.2f})")
    else:
        reasons = ", ".join(verification.get("failure_reasons") or [])
        print(f"Verification FAILED ({profile}, {size}): {reasons}")
    for warning in verification.get("warnings") or []:
        print(f"  warning: {warning}")
    job = (payload.get("history") or {}).get("job_id")
    if job:
        print(f"Job {job}")


def _lean_numpy() -> None:
    """Process settings for a one-shot imaging run, set before numpy loads (if not set).

    numpy's bundled OpenBLAS starts one thread per core at import, which costs
    about 40 ms of wall time (60 ms CPU) on a 2-core machine; the pipeline
    never calls BLAS. numpy also asks for transparent huge pages on every large
    array; where the kernel compacts memory on such a fault (THP ``defrag`` =
    ``madvise``, a common default) a fresh 33 MB array costs about 90 ms of
    faults instead of 20 ms, and a one-shot process never reuses its arrays
    long enough to win it back. Freed arrays are kept for reuse
    (:mod:`gpt_image_2.memory`): the decoder's buffers become the verifier's
    masks and labels instead of fresh pages (peak RSS of a 4K extract process
    240-285 MB, within its 400 MB budget).
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    from ..memory import keep_freed_memory

    keep_freed_memory()
    from ..imaging import png

    png.tune_for_one_shot()


def run_local(argv: list[str], prog: str) -> int | None:
    """Run ``transparent verify|extract`` in process; ``None`` to use the normal path."""
    args = _parse(argv)
    if args is None or (args.subcommand == "extract" and not _uses_sqlite()):
        return None
    if "numpy" not in sys.modules:
        _lean_numpy()
    json_mode = (args.json or prog.startswith("gpt-image-2-skill")
                 or not sys.stdout.isatty()) and not args.human
    try:
        payload = _verify(args) if args.subcommand == "verify" else _extract(args)
    except AppError as exc:
        envelope = error_envelope(exc, [s for s in (args.api_key,) if s])
        if json_mode:
            emit_envelope(envelope)
        else:
            err = envelope["error"]
            print(f"error [{err['code']}]: {err['message']}", file=sys.stderr)
        _fast_exit(argv, prog, 1)
        return 1
    except KeyboardInterrupt:
        return 130
    if json_mode:
        emit_envelope(payload)
    else:
        print_human(payload)
    _fast_exit(argv, prog, 0)
    return 0


_SCRIPT_NAMES = frozenset({"gpt-image-2", "gpt-image-2-skill"})


def _fast_exit(argv: list[str], prog: str, code: int) -> None:
    """End the installed ``gpt-image-2`` process now, skipping interpreter teardown.

    Unloading numpy, OpenCV and some 400 modules at exit costs about 20 ms of a
    verify run. By this point the envelope is printed, the output file written
    and the history row committed and closed, and no thread is left running.
    Only when this process *is* the console script (not when ``main`` is called
    in process, as tests and embedders do).
    """
    if prog not in _SCRIPT_NAMES or argv != sys.argv[1:]:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: let the normal exit report it
        return
    os._exit(code)
