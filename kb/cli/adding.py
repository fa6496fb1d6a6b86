"""`kb add` and `kb reread` at the command line: the metadata given checked before any job, the job run
here with a progress bar, a line per file after it, and a stop (Ctrl+C, a kill) said, not a traceback."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from kb.cli.words import plural, print_json

__all__ = ["Bar", "run_adding", "stop_on_sigterm", "where_of"]


class Bar:
    """A one-line progress bar on a terminal; silent when stderr is piped."""

    def __init__(self) -> None:
        self.on = sys.stderr.isatty()

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.on or not total:
            return
        width = 30
        filled = int(width * done / total)
        name = Path(path).name[:40] if path else ""
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<40}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def where_of(args: argparse.Namespace) -> str:
    """Where files are prepared: "inline", or "ray:ADDRESS" from --ray or $KB_RAY_ADDRESS."""
    from kb.distributed import ray_address

    address = ray_address(getattr(args, "ray", None))
    return f"ray:{address}" if address else "inline"


def run_adding(args: argparse.Namespace, kb: Any) -> int:
    """`kb add` or `kb reread` as a job run here. Returns 0 when every file went in, 1 when one failed
    or a cancel left some, 130 when Ctrl+C or a kill stopped it (what was committed stays)."""
    from kb.jobs.facade import JobInterrupted

    where = where_of(args)
    if args.command == "add":
        check_all(dict(args.sets))  # before any job: each file would fail for it
    before = stop_on_sigterm()  # a `kill` stops it as Ctrl+C does: said, and the job ends cancelled
    try:
        if args.command == "add":  # a job: recorded in the catalog; one cut short by a crash is resumed
            report = kb.add_job(args.paths, manifest=args.manifest, metadata=dict(args.sets), progress=Bar(),
                                where=where)
        elif args.ocr:  # the scans to read again are chosen by kb.reread; here, not as a job
            report = kb.reread(progress=Bar(), ocr=True)
        else:
            report = kb.reread_job(progress=Bar(), where=where)
    except JobInterrupted as stop:  # QA pass 15: a traceback, and a job left "running" for a server
        print_report(args, stop.report)
        print("kb: stopped; what was done stays. Run the same command again for the rest (what is done "
              "is not done again).", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, before)
    print_report(args, report)
    return 0 if report.ok else 1


def check_all(meta: dict[str, Any]) -> None:
    """Every field given that metadata would refuse, named at once (QA pass 15: a country, a type, a year
    and an address all wrong were said one per attempt).

    Raises:
        ValueError: their messages, one a line.
    """
    from ingest import metadata_problems

    problems = metadata_problems(meta)
    if problems:
        raise ValueError("\n    ".join(["metadata refused:", *(str(p) for p in problems)]))


def print_report(args: argparse.Namespace, report: Any) -> None:
    """A line per file (its outcome, passages, language, why), the files a cancel left, the counts."""
    if args.json:
        print_json(report.to_dict())
        return
    for f in report.files:
        line = f"{f.outcome:<9} {f.path}"
        if f.outcome in ("added", "updated"):
            line += f"  ({plural(f.chunks, 'chunk')}, {f.language}" + (", OCR" if f.ocr_pages else "") + ")"
            line += unknown_suffix_note(f.path) if args.command == "add" else ""
        if f.reason:
            line += f"  — {f.reason}"
        print(line)
    for path in report.not_added:
        print(f"{'cancelled':<9} {path}  — not added")
    print(report.summary())


def unknown_suffix_note(path: str) -> str:
    """For a file added under an extension kb does not know: ingest goes by a file's bytes, so a text file
    named .xyz is added as text; say so, and which extensions are supported (a binary one fails anyway)."""
    from ingest import SUPPORTED_SUFFIXES

    suffix = Path(path).suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return ""
    what = f"{suffix!r} is not a supported extension" if suffix else "it has no extension"
    return f"  — {what} ({', '.join(sorted(SUPPORTED_SUFFIXES))}); it was read by its content"


def stop_on_sigterm() -> Any:
    """`kill` (a service manager's stop) ends the server, or a `kb add`, as Ctrl+C does: the server
    closes, then the KB, whose job worker ends its worker process. Python's default for SIGTERM exits at
    once, and the worker process (holding the catalog, about 300 MB) was left running without a parent.
    Returns the handler it replaced."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, stop)
