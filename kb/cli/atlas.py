"""The atlas's subcommands (`relabel`, `cities`, `city`, `compare`, `examples`, `overview`): declared
and run here, so `kb.cli.parser` and `kb.cli.commands` only hand them over."""

from __future__ import annotations

import argparse
from typing import Any

from kb.cli.options import filters_of, kv, positive_int
from kb.cli.words import form, plural, print_json

__all__ = ["ATLAS_COMMANDS", "add_atlas_parsers", "run_atlas"]

ATLAS_COMMANDS = ("relabel", "cities", "city", "compare", "examples", "overview")


def add_atlas_parsers(sub: Any) -> None:
    """Add the atlas's subcommands to `kb`'s subparsers."""
    rl = sub.add_parser("relabel", help="label every chunk with the framework's sections again (after editing it)")
    rl.add_argument("--json", action="store_true", help="print JSON")
    ct = sub.add_parser("cities", help="the cities the documents name, with the framework sections they cover")
    ct.add_argument("--json", action="store_true", help="print JSON")
    cy = sub.add_parser("city", help="one city: its metadata, documents and best excerpt per framework section")
    cy.add_argument("name", help="the city's name, however spelled")
    cy.add_argument("--json", action="store_true", help="print JSON")
    cp = sub.add_parser("compare", help="cities most comparable to a profile, each saying why")
    _profile_args(cp)
    cp.add_argument("-k", type=positive_int, default=10, help="how many cities, at least 1 (default 10)")
    cp.add_argument("--json", action="store_true", help="print JSON")
    ex = sub.add_parser("examples", help="the best cited excerpts for one framework section")
    ex.add_argument("section", help="a section key of the framework file, e.g. leadership")
    ex.add_argument("-k", type=positive_int, default=5, help="how many, at least 1 (default 5)")
    ex.add_argument("--query", help="rank the section's excerpts by this search")
    ex.add_argument("--filter", dest="filters", type=kv, action="append", default=[], metavar="KEY=VALUE",
                    help="as for `kb search`")
    _profile_args(ex, prefer=True)
    ex.add_argument("--json", action="store_true", help="print JSON")
    ov = sub.add_parser("overview", help="the collection at a glance: counts, cities x sections, gaps")
    ov.add_argument("--json", action="store_true", help="print JSON")


def _profile_args(p: argparse.ArgumentParser, prefer: bool = False) -> None:
    verb = "prefer excerpts from cities comparable to" if prefer else "compare with"
    p.add_argument("--profile", nargs="+", default=[], metavar="KEY=VALUE",
                   help=f"{verb} a profile: population_band=50k-250k region=... country=FR themes='a;b'")
    p.add_argument("--city", help=f"{verb} this known city (\"my city\"; typed --profile values override its own)")


def _profile(args: argparse.Namespace) -> Any:
    from kb.atlas.profile import parse_profile_text

    if not args.profile and not args.city:
        return None
    typed = parse_profile_text(args.profile)
    return typed if not args.city else type(typed)(**{**typed.to_dict(), "themes": typed.themes, "city": args.city})



def run_atlas(args: argparse.Namespace, kb: Any) -> int:
    """Run one of ATLAS_COMMANDS; a bad profile or section raises ValueError (exit 2 in kb.cli)."""
    cmd = args.command
    if cmd == "relabel":
        report = kb.relabel()
        if args.json:
            print_json(report.to_dict())
        elif report.kept_old:
            print(f"kb: {report.error}\nThe labels of the previous version are kept.")
        else:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(report.per_section.items()))
            print(f"labelled {plural(report.chunks, 'chunk')} ({report.labelled} with a section) in {report.seconds} s: "
                  f"{counts}")
        return 2 if report.kept_old else 0
    if cmd == "cities":
        cities = kb.cities()
        ov = kb.overview()
        if args.json:
            print_json({"cities": [c.to_dict() for c in cities], "documents_without_city": ov.no_city_documents})
            return 0
        for c in cities:
            covered = ", ".join(s.section for s in c.sections if s.excerpts) or "none"
            print(f"{c.name:<24} {c.country or '?':<3} {c.region or '?':<30} {c.population_band or '?':<9} "
                  f"{plural(len(c.documents), 'doc')}, {'/'.join(c.languages)}, {'-'.join(map(str, c.years[::max(1, len(c.years) - 1)]))}"
                  f"  sections: {covered}")
        print(f"{plural(len(cities), 'city', 'cities')}; {plural(ov.no_city_documents, 'document')} "
              f"{form(ov.no_city_documents, 'names', 'name')} no city")
        for note in ov.notes:
            print(note.text)
        return 0
    if cmd == "city":
        c = kb.city(args.name)
        if c is None:
            from kb.atlas import ProfileError

            raise ProfileError(f"Unknown city {args.name!r}; see `kb cities`.")
        best = kb.city_best_excerpts(c.name)
        if args.json:
            print_json({**c.to_dict(), "best_excerpts": {k: v.to_dict() for k, v in best.items()}})
            return 0
        print(f"{c.name} — {c.country or '?'}, {c.region or '?'}, population {c.population_band or '?'}")
        print(f"languages: {', '.join(c.languages)}; years: {', '.join(map(str, c.years))}; themes: {', '.join(c.themes)}")
        for d in c.documents:
            print(f"  [{d.language}] {d.title} ({d.source})")
        for note in c.conflicts:
            print(f"  note: its documents disagree: {note}")
        for s in c.sections:
            ex = best.get(s.section)
            print(f"\n{s.title}: {plural(s.excerpts, 'excerpt')}")
            if ex:
                print(f"  {ex.hit.citation}\n  {ex.hit.text[:300]}")
        return 0
    if cmd == "compare":
        profile = _profile(args)
        found = kb.compare(profile if profile is not None else {}, k=args.k)
        if args.json:
            print_json({"profile": kb.atlas.profile(profile or {}).to_dict() if profile else {},
                    "cities": [c.to_dict() for c in found]})
            return 0
        for n, c in enumerate(found, 1):
            print(f"{n:>2}. {c.name} ({c.country or '?'})  {c.score:.2f}  {c.explanation}")
        return 0
    if cmd == "examples":
        found = kb.section_examples(args.section, k=args.k, filters=filters_of(args.filters) or None,
                                    prefer=_profile(args), query=args.query)
        if args.json:
            print_json([e.to_dict() for e in found])
            return 0
        for n, e in enumerate(found, 1):
            why = f"  — {e.reason}" if e.reason else ""
            print(f"{n:>2}. [{e.hit.language}] {e.hit.citation}  (label {e.label_score:.2f}){why}")
            print(f"    {e.hit.text[:300]}")
        if not found:
            print("no excerpts are labelled with this section yet")
        return 0
    if cmd == "overview":
        ov = kb.overview()
        if args.json:
            print_json(ov.to_dict())
            return 0
        print(f"{plural(ov.documents, 'document')}, {plural(ov.chunks, 'chunk')} ({ov.labelled} "
              f"{form(ov.labelled, 'speaks', 'speak')} to a framework section), {plural(len(ov.heat), 'city', 'cities')}")
        for title, counts in (("language", ov.by_language), ("country", ov.by_country),
                              ("document type", ov.by_doc_type), ("year", ov.by_year)):
            print(f"\nDocuments by {title}:")
            for c in counts:
                print(f"  {c.label:<34} {c.count:>5}")
        keys = [k for k, _ in ov.sections]
        print("\nExcerpts per city and framework section (" + ", ".join(keys) + "):")
        for row in ov.heat:
            print(f"  {row.name:<24} " + " ".join(f"{n:>4}" for n in row.cells))
        if ov.gaps:
            print("\nGaps:")
            for g in ov.gaps:
                print(f"  {g.text}")
        for note in ov.notes:
            print(f"\n{note.text}")
        return 0
    raise AssertionError(cmd)
