"""Highlights: the one or two sentences of each hit that best match the query.

Words shared with the query decide when there are any. A cross-lingual hit shares none: with
`dense`, its sentences are embedded and compared with the query vector, within a time budget and
through the embedding cache (so a repeated query costs nothing). That costs ~0.3 s per chunk on 2
cores, far above a query's own cost, so the API leaves it off by default and the web UI turns it on
for the cards it shows; without it such a hit has no highlights. Where the KB keeps paragraph
vectors, only the sentences of the hit's best paragraph are embedded.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

import numpy as np

from index import tokenize
from index.signals import PassageSignal
from ingest.wraps import lines_may_wrap, soft_wraps
from kb.indexing.index_text import index_rows
from kb.indexing.indexes import Indexes
from kb.store.catalog import Catalog
from kb.types import Hit

__all__ = ["DENSE_HIGHLIGHT_BUDGET_S", "split_sentences", "highlight", "one_line", "body_text"]

DENSE_HIGHLIGHT_BUDGET_S = 1.0  # time allowed for embedding sentences of cross-lingual hits

_SENTENCE_END = re.compile(r"(?<=[.!?؟。！？])\s+|\n+")
# A word its full stop abbreviates: an initial ("e. V.", "J. Smith") or a common title or short form.
_ABBREVIATION = re.compile(r"(?:^|[\s(\[„“\"'«])(?:\w|Dr|Dra|Mr|Mrs|Ms|Mme|Sr|Sra|St|Nr|No|Art|Abs|bzw|ca|vgl|etc|pp?)\.$",
                           re.IGNORECASE)


def split_sentences(text: str, wrapped: bool = False) -> list[str]:
    """Sentences of a chunk, verbatim (so the UI can find them in the text to mark them). Every line
    is one at least (a heading, a list item, a table row), except, when `wrapped` (a PDF's, a text
    file's passage: `ingest.wraps.lines_may_wrap`), a line its page wrapped mid-sentence: a highlight
    once ended at "...werden und die" where the sentence went on "\nPerson neue Bindungen aufbaut.".
    A full stop after an initial or an abbreviation ("Haselwerder e. V.", "z. B. die", "Dr. Lenz") or
    before a lower-case word does not end one: a highlight once stopped at "Haselwerder e."."""
    joined = soft_wraps(text) if wrapped else text  # the same length: its offsets hold in `text`
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(joined):
        if "\n" not in m.group() and _goes_on(joined[start:m.start()], joined[m.end():m.end() + 1]):
            continue
        _keep(out, text[start:m.start()])
        start = m.end()
    _keep(out, text[start:])
    return out


def _goes_on(before: str, next_char: str) -> bool:
    """Whether a full stop ends an abbreviation rather than the sentence `before` (see split_sentences)."""
    return before.endswith(".") and (next_char.islower() or next_char.isdigit() or bool(_ABBREVIATION.search(before)))


def _keep(out: list[str], piece: str) -> None:
    if piece.strip():
        out.append(piece.strip())


def body_text(text: str, headings: Sequence[str]) -> str:
    """The passage without leading lines that only repeat its title or a section heading: what a card
    shows and a pinned passage quotes (the citation names the title and section already)."""
    names = {" ".join(h.split()).casefold() for h in headings if h and h.strip()}
    lines = text.split("\n")
    while lines and (not lines[0].strip() or " ".join(lines[0].split()).casefold() in names):
        lines.pop(0)
    return "\n".join(lines).strip() or text.strip()


def one_line(text: str, limit: int) -> str:
    """A passage shown short: on one line (a PDF's line breaks fall mid-sentence), at most about
    `limit` characters, cut between words and marked "…" (cut mid-word, "se traduit" read "se tradu")."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + " …"


def highlight(hits: list[Hit], query: str, qvec: np.ndarray, *, dense: bool, catalog: Catalog,
              indexes: Indexes) -> None:
    """Set each hit's `highlights` (see the module docstring).

    Args:
        hits: the hits to mark, in place.
        query: the query text; qvec: its vector.
        dense: also embed the sentences of hits that share no word with the query.
        catalog, indexes: where the hits' index texts, paragraph vectors and the model are.
    """
    qtokens = set(tokenize(query))
    deadline = time.monotonic() + DENSE_HIGHLIGHT_BUDGET_S
    paragraphs = _best_paragraphs(hits, qvec, catalog, indexes) if dense else {}
    for hit in hits:
        sentences = split_sentences(hit.text, wrapped=lines_may_wrap(hit.source))
        if not sentences:
            continue
        headers = _table_headers(sentences)
        token_sets = [set(tokenize(s)) if i not in headers else set() for i, s in enumerate(sentences)]
        overlap = [len(qtokens & t) / (1 + len(t)) ** 0.5 for t in token_sets]
        picked: list[int] = []
        if max(overlap) > 0:
            order = sorted(range(len(sentences)), key=lambda i: -overlap[i])
            picked = [i for i in order[:2] if overlap[i] > 0]
        elif dense and time.monotonic() < deadline:
            within = set(paragraphs.get(hit.chunk_id, ()))
            rows = [i for i in range(len(sentences)) if i not in headers]
            pool = [i for i in rows if sentences[i] in within] or rows or list(range(len(sentences)))
            sims = indexes.embed([sentences[i] for i in pool]) @ qvec
            picked = [pool[int(i)] for i in np.argsort(-sims)[:2]]
        hit.highlights = [sentences[i] for i in sorted(picked)]


def _table_headers(sentences: Sequence[str]) -> set[int]:
    """The lines that are a table's header row ("Programa | Organização | ..." above its rows): never
    the best match of a query, though they share its words ("programa"), while a row answers it."""
    def row(i: int) -> bool:
        return 0 <= i < len(sentences) and " | " in sentences[i]

    return {i for i in range(len(sentences)) if row(i) and not row(i - 1) and row(i + 1)}


def _best_paragraphs(hits: list[Hit], qvec: np.ndarray, catalog: Catalog, indexes: Indexes) -> dict[int, list[str]]:
    """Chunk id -> sentences of its paragraph closest to the query, from the stored paragraph vectors."""
    passages = [s for s in indexes.ranking() if isinstance(s, PassageSignal)]
    if not hits or not passages:
        return {}
    texts = dict(index_rows(catalog, np.asarray([h.chunk_id for h in hits], dtype=np.int64)))
    best = passages[0].best_paragraphs(qvec, {h.chunk_id: texts.get(h.chunk_id, "") for h in hits})
    wrapped = {h.chunk_id: lines_may_wrap(h.source) for h in hits}  # split as the hit's sentences are
    return {cid: split_sentences(paragraph, wrapped.get(cid, False)) for cid, paragraph in best.items()}
