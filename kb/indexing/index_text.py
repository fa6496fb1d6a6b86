"""What the indexes see of a chunk: its text with a short header naming its document and place.

A chunk on page 3 of a referral protocol often never names its city or its subject; the question
"how fast does Fontenoir's mobile team respond?" does. Both the embedder and BM25 therefore index
`Title — City, Country › Section` followed by the chunk text (the country by its English name, so
"a French town" finds a document whose metadata says FR). The catalog keeps the chunk's exact text, which
is what users see, quote and export.

List markers ("• " at the start of a line, see `ingest.normalize.BULLET`) are left out too: they are
how an excerpt shows a list, not words, and the model read them as noise (the page of a guidance
document that lists "police, as a non-voting advisor" scored 0.413 against a question on it with the
markers, 0.436 without).

A leading line of the chunk that only repeats the title is left out of what is indexed: the first
page of a document starts with its title, so it said the title twice and outranked the page that
answers a detail question (domain page accuracy 0.80 -> 0.84). Section headings stay in the text
although the header names them too: every chunk starts with its own, so that weighs all chunks
alike, and leaving them out as well (page accuracy 0.86) cost document-level recall.

The paragraph-vector signal (`index.signals.passages.passage_texts`) cuts the same indexed text into
its paragraphs, each under this header line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest import BULLET, same_words
from kb.indexing.country_names import COUNTRY_NAMES

if TYPE_CHECKING:
    from kb.store.catalog import Catalog

__all__ = ["INDEX_TEXT_FORMAT", "index_text", "index_rows", "same_words"]

# Saved with the vector index; change it whenever `index_text` changes what it produces, so a KB built
# with the older text says that `kb reindex` brings it up to date. "2": a leading title line left out.
INDEX_TEXT_FORMAT = "2"

_LIST_MARKER = re.compile(f"^{BULLET} ", re.MULTILINE)


def index_text(title: str, metadata: dict[str, Any], section: tuple[str, ...] | list[str], text: str) -> str:
    """The text to embed and to index lexically for one chunk."""
    text = _LIST_MARKER.sub("", text)
    head = title.strip()
    country = metadata.get("country")
    place = ", ".join(p for p in (metadata.get("city"), COUNTRY_NAMES.get(country or "", country)) if p)
    if place:
        head += f" — {place}"
    path = [s for s in section if s and not same_words(s, title)]
    if path:
        head += " › " + " › ".join(path)
    if not head:
        return text
    return f"{head}\n{_without_title_line(text, title)}"


def _without_title_line(text: str, title: str) -> str:
    """The text without leading lines that only repeat the title (blank ones too); never emptied."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) - 1 and (not lines[start].strip() or same_words(lines[start], title)):
        start += 1
    return "\n".join(lines[start:])


def index_rows(catalog: Catalog, ids: np.ndarray | None = None) -> list[tuple[int, str]]:
    """(chunk id, its index text) for these chunk ids, or every chunk, by id: what every signal is
    rebuilt or repaired from."""
    return [(cid, index_text(title, meta, section, text)) for cid, title, meta, section, text in catalog.index_fields(ids)]
