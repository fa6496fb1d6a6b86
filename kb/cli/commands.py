"""The `kb` command's commands: a thin shell over KnowledgeBase (the arguments are `kb.cli.parser`).

Exit status: 0 when everything asked for succeeded; 1 when some file failed to ingest (the others
were still added) or a check found problems; 2 for a usage error (bad arguments, unknown document).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from kb.cli.adding import Bar, check_all, run_adding, stop_on_sigterm, where_of
from kb.cli.atlas import ATLAS_COMMANDS, run_atlas
from kb.cli.history import HISTORY_COMMANDS, run_history, trashed_documents
from kb.cli.options import filters_of
from kb.cli.parser import build_parser
from kb.cli.words import form, plural, print_json
from kb.settings import Settings

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Before the model loads OpenMP: its threads then sleep at a barrier instead of spinning. On cores
    # shared with other work (a server's concurrent searches, its job worker, other programs) spinning
    # threads wait for each other for whole time slices. Measured on the busy 2-core machine: CPU per
    # search over HTTP 1166 -> 80 ms (`evals.server_bench`); `kb add` of 36 chunks 84 -> 38 s.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

    if args.command == "eval":
        return _eval(args)
    try:
        settings = Settings.from_env(args.home, embedder=args.embedder, max_file_mb=getattr(args, "max_file_mb", None))
    except ValueError as err:  # KB_TRASH_DAYS=abc, KB_OCR=maybe: said, without a traceback (QA pass 15)
        print(f"kb: {err}", file=sys.stderr)
        return 2
    if args.command == "user":
        from kb.cli.users import run_user

        return run_user(args, settings)
    if args.command == "backup":
        return _backup(args, settings)
    if args.command == "workspace":
        from kb.cli.workspaces import run_workspace

        return run_workspace(args, settings)

    from kb.knowledge_base import DocumentNotFound, KnowledgeBase

    try:
        with KnowledgeBase(settings=settings) as kb:
            if args.command in ("search", "serve"):
                _upgrade_hints(kb)
            try:
                code = _run(args, kb)
            except DocumentNotFound as err:  # one in the trash says so (QA pass 15: "No document 2")
                print(f"kb: {err}{_in_trash(kb, str(err.args[0]))}", file=sys.stderr)
                return 2
            if args.command in ("add", "reread"):  # after it: what was just read again is up to date
                _upgrade_hints(kb)
            return code
    except DocumentNotFound as err:
        print(f"kb: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl+C in any other command: said, without Python's traceback
        print("kb: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kb jobs list | head`: the reader left; say nothing more (Python's advice)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as err:  # a file named on the command line that is missing or cannot be written
        where = f": {err.filename}" if err.filename else ""
        print(f"kb: {err.strerror or err}{where}", file=sys.stderr)
        return 2
    except ValueError as err:  # bad filter, bad metadata
        print(f"kb: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:  # an index built with another embedder: says to run `kb reindex`
        from index import IndexMismatchError
        from kb.distributed.errors import RayUnavailable

        if isinstance(err, RayUnavailable):  # said before any work: no silent local fallback
            print(f"kb: {err}", file=sys.stderr)
            return 2
        if not isinstance(err, IndexMismatchError):
            raise
        print(f"kb: {err}", file=sys.stderr)
        return 2


def _in_trash(kb: Any, given: str) -> str:
    """" It is in the trash: …" when a document of that id or source name waits there, else ""."""
    item = next(iter(trashed_documents(kb, given)), None)
    if item is None:
        return ""
    where = f" Document {item.item_id} ({item.source}) is in the trash, removed {item.removed_at} by {item.removed_by}"
    newer = kb.document(item.source)
    if newer is not None:  # its file was added again: a plain restore is refused (QA pass 16)
        return (f"{where}; its file was added again since (document {newer.id}): `kb restore {item.item_id} "
                f"--as-copy` keeps it beside that one, `kb trash purge {item.item_id}` deletes it for good.")
    return f"{where}: `kb restore {item.item_id}` brings it back."


def _upgrade_hints(kb: Any) -> None:
    """A KB from an older version: say once what brings it up to date (opening never runs the model)."""
    stale = kb.stale_count()
    if stale:
        its, them = form(stale, "its", "their"), form(stale, "it", "them")
        print(f"kb: {plural(stale, 'document')} {form(stale, 'was', 'were')} cut into chunks by an older version, so "
              f"{its} excerpts can show lists unmarked or a citation name the wrong section; run `kb reread` to read "
              f"{them} again from {its} stored original{form(stale, '', 's')}", file=sys.stderr)
    pending = len(kb.ocr_pending())
    if pending:
        print(f"kb: {plural(pending, 'document')} {form(pending, 'has', 'have')} scanned pages that OCR can now read "
              f"(better); run `kb reread` to read {form(pending, 'it', 'them')} again", file=sys.stderr)
    if kb.index_text_outdated:
        print("kb: this knowledge base was indexed with an older chunk header, so pages are picked a little "
              "less precisely; run `kb reindex` once to re-embed it (about as long as adding it)", file=sys.stderr)
    for signal, missing in kb.indexes.incomplete():  # counts the catalog only when a store is incomplete
        print(f"kb: {plural(missing, 'chunk')} {form(missing, 'has', 'have')} no {signal.noun} yet, so ranking leaves "
              f"{form(missing, 'it', 'them')} out; run `kb reindex` once to compute them (about as long as embedding "
              f"{form(missing, 'that chunk', 'those chunks')})", file=sys.stderr)


def _run(args: argparse.Namespace, kb: Any) -> int:
    from kb.knowledge_base import DocumentNotFound

    if args.command == "jobs":
        from kb.cli.jobs import jobs_command

        return jobs_command(args, kb)
    if args.command in ("add", "reread"):
        return run_adding(args, kb)
    if args.command == "list":
        docs = kb.documents()
        if args.manifest:
            from ingest import dump_manifest

            sys.stdout.write(dump_manifest((d.source, d.metadata) for d in docs))
        elif args.json:
            print_json([d.to_dict() for d in docs])
        else:
            for d in docs:
                place = ", ".join(x for x in (d.metadata.get("city"), d.metadata.get("country")) if x)
                chunks = form(d.chunk_count, "chunk")
                print(f"{d.id:>5}  {d.language:<3} {d.chunk_count:>4} {chunks:<6}  {d.title}  [{place}]  {d.source}")
            print(plural(len(docs), "document"))
        return 0
    if args.command == "show":
        doc = kb.document(args.doc)
        if doc is None:
            raise DocumentNotFound(args.doc)
        chunks = kb.chunks_of(doc.id)
        if args.json:
            print_json({**doc.to_dict(), "chunks": [c.to_dict() for c in chunks]})
        else:
            for key, value in doc.to_dict().items():
                print(f"{key:>12}: {value}")
            for c in chunks:
                where = f"p.{c.page} " if c.page else ""
                print(f"  #{c.id} {where}{' › '.join(c.section)} [{c.language}] {c.text[:100]!r}")
        return 0
    if args.command == "set":
        doc = kb.document(args.doc)
        if doc is None:
            raise DocumentNotFound(args.doc)
        unset = {*args.unset, *(k for k, v in args.pairs if not v)}  # "city=" clears the city too
        if not args.pairs and not args.unset:  # it said "updated …: nothing changed", exit 0 (QA pass 15)
            raise ValueError("kb set takes FIELD=VALUE pairs to set (FIELD= clears one), or --unset FIELD.")
        given = {k: v for k, v in args.pairs if v}
        check_all(given)
        meta = {**{k: v for k, v in doc.metadata.items() if k not in unset}, **given}
        updated = kb.update_metadata(doc.id, meta)
        changed = sorted(k for k in {*doc.metadata, *updated.metadata} if doc.metadata.get(k) != updated.metadata.get(k))
        print(f"updated {updated.id} {updated.source}: " + (", ".join(changed) if changed else "nothing changed"))
        return 0
    if args.command == "remove":
        doc = kb.remove(args.doc)
        print(f"removed {doc.id} {doc.source} to the trash (`kb restore {doc.id}` brings it back)")
        return 0
    if args.command in HISTORY_COMMANDS:
        return run_history(args, kb)
    if args.command in ("search", "similar"):
        if args.command == "search":
            reader = None if args.all_languages else args.reader_language
            hits = kb.search(args.query, k=args.k, filters=filters_of(args.filters), reader_language=reader)
        else:
            hits = kb.similar(args.chunk_id, k=args.k)
        if args.json:
            print_json([h.to_dict() for h in hits])
        else:
            from kb.searching.highlights import one_line

            for i, h in enumerate(hits, 1):
                print(f"{i:>2}. [{h.language}] {h.citation}   (score {h.score:.3f}, chunk {h.chunk_id})")
                excerpt = " … ".join(h.highlights) if h.highlights else h.text
                print(f"    {one_line(excerpt, 400)}")
                for where in h.also_in:
                    print(f"    also in: {where}")
            if not hits:
                print("no results")
            elif args.command == "search" and kb.words_known(args.query) == 0:
                print("(no passage contains these words: the results are only the closest in meaning)")
        return 0
    if args.command == "directory":
        from kb.cli.directory import run_directory

        return run_directory(args, kb)
    if args.command == "reindex":
        n = kb.reindex(progress=Bar(), where=where_of(args))
        print(f"reindexed {plural(n, 'chunk')} with {kb.embedder.id}")
        return 0
    if args.command == "check":
        report = kb.check(repair=not args.no_repair)
        if args.json:
            print_json(report.to_dict())
        else:
            state = "consistent" if report.consistent else ("repaired" if report.repaired else "INCONSISTENT")
            sides = "; ".join(f"{signal.noun} missing {report.differences[signal.report_key][0]}, orphaned "
                              f"{report.differences[signal.report_key][1]}" for signal in kb.indexes.signals)
            links = (f"; {plural(report.stale_links, 'stale link')} from drafts and the directory "
                     f"({report.relinked} relinked, {report.unlinked} unlinked)" if report.stale_links else "")
            print(f"{plural(report.chunks, 'chunk')}; {sides}{links}: {state}")
            _upgrade_hints(kb)
        return 0 if report.consistent or report.repaired else 1
    if args.command in ATLAS_COMMANDS:
        return run_atlas(args, kb)
    if args.command == "serve":
        from ui import serve

        where = where_of(args)
        jobs = where if where != "inline" else args.jobs  # uploads: a niced worker process, or Ray
        print(f"Serving on http://{args.host}:{args.port}  (Ctrl+C to stop)", flush=True)
        stop_on_sigterm()
        serve(kb, host=args.host, port=args.port, jobs=jobs)
        return 0
    raise AssertionError(args.command)


def _eval(args: argparse.Namespace) -> int:
    rest = list(args.rest)
    if args.home:
        os.environ["KB_HOME"] = args.home
    if args.suite == "xquad":
        from evals.xquad import main as run

        return run(rest)
    if args.suite == "domain":
        from evals.domain import main as run

        return run(rest)
    if args.suite == "topical":
        from evals.topical import main as run

        return run(rest)
    if args.suite == "ocr":
        from evals.ocr import main as run

        return run(rest)
    if args.suite == "sections":
        from evals.sections import main as run

        return run(rest)
    if args.suite == "directory":
        from evals.directory import main as run

        return run(rest)
    from evals.report import main as run

    return run(rest)


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from kb.upkeep.backup import BackupError, backup

    try:
        report = backup(settings, args.destination, cache=not args.no_cache)
    except BackupError as err:
        print(f"kb: {err}", file=sys.stderr)
        return 2
    if args.json:
        print_json(report.to_dict())
    else:
        state = "consistent" if report.consistent else "NOT consistent (see `kb --home DEST check`)"
        print(f"Backed up {plural(report.documents, 'document')} ({plural(report.chunks, 'chunk')}, "
              f"{plural(report.originals, 'original')}) "
              f"to {report.destination} in {report.seconds} s; {state}.")
        for source in report.missing_originals:
            print(f"  no stored original for {source} (it was already missing)")
    return 0 if report.consistent and not report.missing_originals else 1
