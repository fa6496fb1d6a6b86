"""`kb directory list|add|import|export`: declared (`add_directory_parsers`) and run here, a thin shell
over `KnowledgeBase.directory`.

The command line is the coordinator's own tool (like `kb add`): it shows contact fields. Exit status:
0 done; 1 something was not kept (a row rejected, a field dropped, a duplicate waiting for --merge);
2 a usage error (an unknown document or draft, a bad field).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kb.cli.options import kv
from kb.cli.words import plural, print_json
from kb.directory import ALL, FIELDS, Candidate, DirectoryError, DuplicateEntry, Entry
from kb.directory.csv_io import read_csv_text
from kb.directory.validate import entry_from_form

__all__ = ["add_directory_parsers", "run_directory"]

# What `kb directory add --set` takes: every field but the name, which is the command's own argument.
SET_FIELDS = tuple(f for f in FIELDS if f != "name")



def _line(entry: Entry) -> str:
    what = ", ".join(p for p in (entry.kind, entry.sector, entry.city) if p)
    head = f"{entry.id or '':>5}  {entry.name}" + (f"  [{what}]" if what else "")
    if entry.organisation:
        head += f"  — {entry.organisation}"
    return head


def _show(entries: list[Entry], as_json: bool) -> None:
    if as_json:
        print_json([e.to_dict() for e in entries])
        return
    for entry in entries:
        print(_line(entry))
        for source in entry.sources:
            print(f"         {source.citation or source.document}: “{' '.join(source.quote.split())[:120]}”")
    print(plural(len(entries), "entry", "entries"))


def _filters(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _candidates(args: argparse.Namespace, kb: Any) -> int:
    doc = kb.document(args.source)
    if doc is None:
        print(f"kb: no document {args.source!r} (see `kb list`)", file=sys.stderr)
        return 2
    cands: list[Candidate] = kb.directory.candidates(doc, args.draft)
    if args.accept:
        try:
            numbers = list(range(1, len(cands) + 1)) if args.accept == "all" else [int(n) for n in args.accept.split(",")]
        except ValueError:
            numbers = [0]
        if not all(1 <= n <= len(cands) for n in numbers):
            print(f"kb: --accept takes 'all' or numbers from 1 to {len(cands)} like 1,3 (got {args.accept!r})",
                  file=sys.stderr)
            return 2
        picked = [cands[n - 1] for n in numbers]
        stored = kb.directory.accept(picked, args.draft)
        if args.json:
            print_json([e.to_dict() for e in stored])
        else:
            for entry in stored:
                print("stored " + _line(entry).strip())
        return 0
    if args.json:
        print_json([c.to_dict() for c in cands])
        return 0
    for n, cand in enumerate(cands, 1):
        also = f"  (already entry {cand.duplicate_of}: accepting adds this source)" if cand.duplicate_of else ""
        print(f"{n:>3}. {_line(cand.entry).strip()}  <{cand.origin}>{also}")
    print(f"{plural(len(cands), 'candidate')}; nothing stored: accept with --accept all or --accept 1,3")
    return 0


def run_directory(args: argparse.Namespace, kb: Any) -> int:
    """Run one `kb directory` action; returns the exit status."""
    try:
        if args.action == "list":
            scope = ALL if args.all else args.draft
            _show(kb.directory.search(args.query, k=50, filters=_filters(args.filters), scope=scope), args.json)
            return 0
        if args.action == "add":
            unknown = sorted({key for key, _ in args.sets if key not in FIELDS})
            if unknown:  # entry_from_form keeps only known fields: a typo would vanish without a word
                print(f"kb: no directory field {', '.join(map(repr, unknown))}; --set takes "
                      f"{', '.join(SET_FIELDS)}", file=sys.stderr)
                return 2
            if args.source:
                return _candidates(args, kb)
            if not args.name:
                print("kb: give the entry's name, or --from DOC", file=sys.stderr)
                return 2
            entry = kb.directory.add(entry_from_form({"name": args.name, **dict(args.sets)}), args.draft,
                                     merge=args.merge)
            _show([entry], args.json)
            return 0
        if args.action == "import":
            report = kb.directory.import_csv(read_csv_text(args.file), args.draft, merge=args.merge,
                                             source=Path(args.file).name)
            if args.json:
                print_json(report.to_dict())
            else:
                print("\n".join(report.lines()))
            return 0 if report.ok and not report.duplicates else 1
        if args.action == "export":
            entries = kb.directory.entries(args.draft)
            fmt = "json" if args.json else args.format
            if args.json:
                _show(entries, True)
            elif args.format == "docx":
                from kb.directory import directory_docx

                if not args.output:
                    print("kb: a Word file needs -o FILE.docx", file=sys.stderr)
                    return 2
                print(directory_docx(entries, args.output))
            elif args.output:
                args.output.write_text(kb.directory.export_csv(entries), encoding="utf-8", newline="")
                print(args.output)
            else:
                sys.stdout.write(kb.directory.export_csv(entries))
            kb.directory.exported(args.draft, fmt, len(entries))  # contacts left with it: say who took them
            return 0
    except DuplicateEntry as err:
        print(f"kb: {err} (--merge)", file=sys.stderr)
        return 1
    except DirectoryError as err:  # EntryInvalid too: names every field at fault
        print(f"kb: {err}", file=sys.stderr)
        return 2
    raise AssertionError(args.action)


def add_directory_parsers(sub: Any) -> None:
    """`kb directory list|add|import|export`: the directory of programmes and stakeholders (issue 15)."""
    d = sub.add_parser("directory", help="the directory of programmes and stakeholders: list, add, import, export")
    dsub = d.add_subparsers(dest="action", required=True, metavar="ACTION", help="list, add, import or export")

    def scope(p: argparse.ArgumentParser) -> None:
        p.add_argument("--draft", type=int, metavar="ID", help="a draft's city directory (default: the network's)")
        p.add_argument("--json", action="store_true", help="print JSON")

    ls = dsub.add_parser("list", help="list (or search) entries with their sources")
    ls.add_argument("query", nargs="?", default="", help="search the entries in any language (optional)")
    ls.add_argument("--filter", dest="filters", type=kv, action="append", default=[], metavar="KEY=VALUE",
                    help="sector, kind, city, prevention_level, themes (repeat a key for any-of)")
    ls.add_argument("--all", action="store_true", help="every directory (the network's and every draft's)")
    scope(ls)

    ad = dsub.add_parser("add", help="add an entry, or review and accept the candidates of a document's tables")
    ad.add_argument("name", nargs="?", help="the entry's name (omit with --from)")
    ad.add_argument("--set", dest="sets", type=kv, action="append", default=[], metavar="FIELD=VALUE",
                    help=", ".join(SET_FIELDS) + " (any other field is refused)")
    ad.add_argument("--from", dest="source", metavar="DOC", help="propose candidates from a document's tables")
    ad.add_argument("--accept", metavar="all|N,M", help="with --from: store these candidates (numbers as listed)")
    ad.add_argument("--merge", action="store_true", help="the same programme already there: add to it")
    scope(ad)

    im = dsub.add_parser("import", help="read a CSV (as `export` writes it, or with headers in any language)")
    im.add_argument("file", type=Path, help="the CSV file")
    im.add_argument("--merge", action="store_true", help="merge rows that repeat a stored entry (confirmation)")
    scope(im)

    ex = dsub.add_parser("export", help="write entries as CSV (UTF-8 with BOM) or as a Word table")
    ex.add_argument("--format", choices=["csv", "docx"], default="csv", help="csv (default) or docx")
    ex.add_argument("-o", "--output", type=Path, help="file to write (CSV goes to standard output without it)")
    scope(ex)
