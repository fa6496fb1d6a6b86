"""Labelling a KB's chunks with framework sections: at ingest, on open, and on `kb relabel`.

What the labels were computed from (the framework's sections and texts, the thresholds, the
prototypes' statistics) is stored with them in the catalog, so that chunks added later are labelled
the same way, and the framework file is only read to notice that it changed: a file that no longer
parses leaves the old labels (and the way new chunks are labelled) untouched, and says why.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.atlas.calibration import VECTORS_PATH, Calibration, load_calibration, text_key
from kb.atlas.framework_file import FrameworkError, LabelFramework, read_framework
from kb.atlas.label_store import LabelStore
from kb.atlas.labels import (
    LABELLER_VERSION,
    LabelParams,
    Prototypes,
    PrototypeStats,
    decide,
    negative_similarity,
    raw_scores,
    smooth,
)
from kb.atlas.records import RelabelReport
from kb.atlas.section_model import SectionModel, digit_share

if TYPE_CHECKING:
    from kb.indexing.indexes import Indexes

__all__ = ["Labeller", "MIN_STATS_CHUNKS"]

MIN_STATS_CHUNKS = 200  # below this many chunks, a KB's own cosine statistics are too noisy to use
FETCH = 4096  # vectors read from the index at once


class Labeller:
    """Labels chunks of one KB (see kb.atlas.labels for how a chunk is scored).

    Args:
        store: the KB's label tables; indexes: its vectors and model; framework_path: the YAML file.
    """

    def __init__(self, store: LabelStore, indexes: Indexes, framework_path: Path,
                 params: LabelParams | None = None, calibration: Calibration | None = None) -> None:
        self.store = store
        self.indexes = indexes
        self.framework_path = Path(framework_path)
        self.calibration = calibration or load_calibration()
        self.params = params or LabelParams(**self.calibration.params)
        self._protos: tuple[str, Prototypes] | None = None
        self._negs: tuple[str, Prototypes] | None = None

    # --- what labels are computed from ---------------------------------------------------------

    def plan(self) -> dict[str, Any] | None:
        """The stored recipe of the current labels (sections, texts, thresholds, statistics), or None."""
        raw = self.store.state("labelling")
        return json.loads(raw) if raw else None

    def sections(self) -> list[tuple[str, str]]:
        """(key, title) of the sections the labels use, in order (the file's, before any labelling)."""
        plan = self.plan()
        if plan:
            return [(k, plan["titles"][k]) for k in plan["keys"]]
        try:
            fw = read_framework(self.framework_path).framework
        except FrameworkError:
            return []
        return [(s.key, s.title) for s in fw.sections]

    def error(self) -> str | None:
        """Why the framework file could not be used the last time it changed, or None."""
        return self.store.state("framework_error") or None

    def _file_stat(self) -> str:
        try:
            st = self.framework_path.stat()
        except OSError:
            return f"{self.framework_path}|missing"
        return f"{self.framework_path}|{st.st_mtime_ns}|{st.st_size}"

    def _recipe(self, fw: LabelFramework) -> dict[str, Any]:
        texts = {k: list(fw.texts(k)) for k in fw.keys}
        negatives = {k: list(fw.negative_texts(k)) for k in fw.keys if fw.negative_texts(k)}
        embedder = self.indexes.embedder.id
        # the regression only for the model and the sections it was fitted on; else the thresholds decide
        model = (self.calibration.section_model({k: tuple(v) for k, v in texts.items()},
                                                {k: tuple(v) for k, v in negatives.items()})
                 if self.calibration.embedder == embedder else None)
        extra = f"{LABELLER_VERSION}|{embedder}|{self.calibration.version}|{sorted(asdict(self.params).items())}"
        return {
            "digest": fw.digest(extra),
            "embedder": embedder,
            "path": str(fw.path),
            "keys": list(fw.keys),
            "titles": {s.key: s.title for s in fw.framework.sections},
            "texts": texts,
            "negatives": negatives,
            "thresholds": [self.calibration.threshold(k, tuple(texts[k])) for k in fw.keys],
            "model": model.to_dict() if model is not None else None,
        }

    def _prototypes(self, plan: dict[str, Any]) -> Prototypes:
        if self._protos is not None and self._protos[0] == plan["digest"]:
            return self._protos[1]
        keys = tuple(plan["keys"])
        texts = [t for k in keys for t in plan["texts"][k]]
        owner = np.asarray([j for j, k in enumerate(keys) for _ in plan["texts"][k]], dtype=np.int64)
        self._seed_queries(texts)
        vecs = self.indexes.cache.embed_queries(self.indexes.embedder, texts).astype(np.float32)
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        protos = Prototypes(keys, owner, vecs)
        self._protos = (plan["digest"], protos)
        return protos

    def negatives(self, plan: dict[str, Any]) -> Prototypes:
        """The vectors of the texts saying what does not count for a section (none in an older recipe)."""
        if self._negs is not None and self._negs[0] == plan["digest"]:
            return self._negs[1]
        keys = tuple(plan["keys"])
        neg = plan.get("negatives") or {}
        texts = [t for k in keys for t in neg.get(k, ())]
        owner = np.asarray([j for j, k in enumerate(keys) for _ in neg.get(k, ())], dtype=np.int64)
        if texts:
            self._seed_queries(texts)
            vecs = self.indexes.cache.embed_queries(self.indexes.embedder, texts).astype(np.float32)
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        else:
            vecs = np.zeros((0, self.indexes.embedder.dim), dtype=np.float32)
        negs = Prototypes(keys, owner, vecs)
        self._negs = (plan["digest"], negs)
        return negs

    def _seed_queries(self, texts: list[str]) -> None:
        """Put the shipped prototype query vectors of the default model into the cache (saves the model time)."""
        from index import text_hash

        raw = getattr(self.indexes.embedder, "raw", self.indexes.embedder)
        try:
            seed = np.load(VECTORS_PATH, allow_pickle=False)
        except OSError:
            return
        if str(seed["embedder"]) != raw.id:
            return
        have = dict(zip(seed["hashes"].tolist(), seed["vectors"], strict=True))
        key = f"{raw.id}|query"
        wanted = {text_hash(t) for t in texts}
        cached = self.indexes.cache.get(key, sorted(wanted & set(have)))
        missing = sorted((wanted & set(have)) - set(cached))
        if missing:
            self.indexes.cache.put(key, missing, np.stack([have[h] for h in missing]))

    def _stats(self, plan: dict[str, Any], protos: Prototypes, vectors: np.ndarray) -> dict[str, Any]:
        """Each prototype's cosine mean and spread: the KB's own when it has enough chunks, else the
        starter corpus's (same model and text), else the KB's own anyway."""
        texts = [t for k in plan["keys"] for t in plan["texts"][k]]
        ref = self.calibration.reference
        usable = self.calibration.embedder == plan["embedder"] and all(text_key(t) in ref for t in texts)
        if len(vectors) >= MIN_STATS_CHUNKS or not usable:
            s = PrototypeStats.measure(vectors, protos)
            return {"mean": s.mean.tolist(), "std": np.maximum(s.std, 0.02 if len(vectors) < MIN_STATS_CHUNKS else 1e-3).tolist(),
                    "measured_on": len(vectors)}
        return {"mean": [ref[text_key(t)][0] for t in texts], "std": [ref[text_key(t)][1] for t in texts],
                "measured_on": "reference"}

    # --- labelling -----------------------------------------------------------------------------

    def _chunks(self, doc_ids: list[int] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(chunk ids, document ids, ordinals) of these documents (all when None), by chunk id."""
        db = self.store.catalog.db
        if doc_ids is None:
            rows = db.execute("SELECT id, doc_id, ordinal FROM chunks ORDER BY id").fetchall()
        else:
            rows = self.store.catalog._select_in(
                "SELECT id, doc_id, ordinal FROM chunks WHERE doc_id IN ({marks}) ORDER BY id", doc_ids)
        arr = np.asarray([tuple(r) for r in rows], dtype=np.int64).reshape(-1, 3)
        return arr[:, 0], arr[:, 1], arr[:, 2]

    def _vectors(self, ids: np.ndarray) -> np.ndarray:
        vi = self.indexes.vectors
        out = [vi.vectors(ids[s : s + FETCH]) for s in range(0, len(ids), FETCH)]
        vecs = np.concatenate(out) if out else np.zeros((0, self.indexes.embedder.dim), dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def _score_and_store(self, plan: dict[str, Any], ids: np.ndarray, docs: np.ndarray, ords: np.ndarray,
                         vectors: np.ndarray, *, replace_all: bool, state: dict[str, str] | None = None) -> list[dict[str, float]]:
        protos = self._prototypes(plan)
        stats = PrototypeStats(np.asarray(plan["stats"]["mean"], np.float32), np.asarray(plan["stats"]["std"], np.float32))
        scores = smooth(raw_scores(vectors, protos, stats, self.params), docs, ords, self.params)
        labels = self._decide(plan, ids, scores, vectors, docs, ords)
        centroids: dict[int, tuple[int, np.ndarray]] = {}
        for d in np.unique(docs):
            rows = vectors[docs == d]
            centroids[int(d)] = (len(rows), rows.mean(0))
        self.store.write(ids.tolist(), labels, centroids, replace_all=replace_all, state=state)
        return labels

    def _decide(self, plan: dict[str, Any], ids: np.ndarray, scores: np.ndarray, vectors: np.ndarray,
                docs: np.ndarray, ords: np.ndarray) -> list[dict[str, float]]:
        """The labels: by the shipped regression when the recipe has one (the label's score is then its
        probability), else by each section's threshold."""
        keys = tuple(plan["keys"])
        if not plan.get("model"):
            return decide(scores, keys, np.asarray(plan["thresholds"], dtype=np.float32))
        model = SectionModel.from_dict(plan["model"])
        negatives = smooth(negative_similarity(vectors, self.negatives(plan)), docs, ords, self.params)
        probs = model.probabilities(scores, digit_share(self._texts(ids)), negatives)
        return decide(probs, keys, np.full(len(keys), model.cut, dtype=np.float32))

    def _texts(self, ids: np.ndarray) -> list[str]:
        rows = self.store.catalog._select_in("SELECT id, text FROM chunks WHERE id IN ({marks})", ids.tolist())
        text = {int(r[0]): str(r[1]) for r in rows}
        return [text.get(int(i), "") for i in ids]

    def score_all(self) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
        """(chunk ids, section keys, scores [n, sections]) of every chunk under the stored recipe, before
        thresholds (for calibration: `python -m evals.sections --calibrate`)."""
        plan = self.plan()
        if plan is None:
            self.relabel()
            plan = self.plan()
            assert plan is not None
        ids, docs, ords = self._chunks(None)
        protos = self._prototypes(plan)
        stats = PrototypeStats(np.asarray(plan["stats"]["mean"], np.float32), np.asarray(plan["stats"]["std"], np.float32))
        scores = smooth(raw_scores(self._vectors(ids), protos, stats, self.params), docs, ords, self.params)
        return ids, protos.keys, scores

    def relabel(self) -> RelabelReport:
        """Label every chunk again with the framework file as it is now.

        Returns:
            What was done; when the file cannot be used, `kept_old` with the error, and nothing changed.
        """
        started = time.perf_counter()
        try:
            fw = read_framework(self.framework_path)
        except FrameworkError as err:
            self.store.set_state("framework_error", str(err))
            old = self.plan()
            return RelabelReport(0, 0, self.store.counts(), str(self.framework_path), old["digest"] if old else "",
                                 round(time.perf_counter() - started, 3), kept_old=True, error=str(err))
        plan = self._recipe(fw)
        ids, docs, ords = self._chunks(None)
        vectors = self._vectors(ids)
        plan["stats"] = self._stats(plan, self._prototypes(plan), vectors)
        state = {"labelling": json.dumps(plan, ensure_ascii=False), "framework": plan["digest"],
                 "framework_file": self._file_stat(), "framework_error": ""}
        labels = self._score_and_store(plan, ids, docs, ords, vectors, replace_all=True, state=state)
        return RelabelReport(len(ids), sum(1 for lab in labels if lab), self.store.counts(), str(self.framework_path),
                             plan["digest"], round(time.perf_counter() - started, 3))

    def label_documents(self, doc_ids: list[int], ids: np.ndarray | None = None, vectors: np.ndarray | None = None) -> None:
        """Label the chunks of these documents (all of each, so that smoothing sees the whole document).

        Args:
            doc_ids: documents whose chunks were just added or are still unlabelled.
            ids, vectors: their chunk ids and vectors when already at hand (ingest), else read from the index.
        """
        plan = self.plan()
        total = self.store.catalog.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        measured = plan["stats"]["measured_on"] if plan else None
        if (plan is None or plan.get("embedder") != self.indexes.embedder.id
                or (isinstance(measured, int) and measured < MIN_STATS_CHUNKS and total >= 2 * max(measured, 1))):
            self.relabel()  # first labels, another model, or a small KB grown enough to measure again
            return
        all_ids, docs, ords = self._chunks(doc_ids)
        if ids is not None and vectors is not None and set(ids.tolist()) == set(all_ids.tolist()):
            at = {int(i): n for n, i in enumerate(ids.tolist())}
            vecs = vectors[[at[int(i)] for i in all_ids]].astype(np.float32)
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        else:
            vecs = self._vectors(all_ids)
        self._score_and_store(plan, all_ids, docs, ords, vecs, replace_all=False)

    def ensure(self) -> RelabelReport | None:
        """On open: relabel when the framework (or the model) changed, label what is not labelled yet.

        Cheap when nothing changed: the file's size and time, and two counts.
        """
        if not self.store.catalog.db.execute("SELECT 1 FROM chunks LIMIT 1").fetchone():
            return None
        plan = self.plan()
        if plan is None or plan.get("embedder") != self.indexes.embedder.id:
            return self.relabel()
        stat = self._file_stat()
        if stat != self.store.state("framework_file"):
            try:
                fw = read_framework(self.framework_path)
            except FrameworkError as err:
                self.store.set_state("framework_error", str(err))  # the old labels stay
            else:
                if self._recipe(fw)["digest"] != plan["digest"]:
                    return self.relabel()
                self.store.set_state("framework_file", stat)
                self.store.set_state("framework_error", "")
        if self.store.unlabelled_count():
            missing = self.store.unlabelled_ids()
            docs = self.store.catalog._select_in("SELECT DISTINCT doc_id FROM chunks WHERE id IN ({marks})", missing.tolist())
            self.label_documents(sorted(int(r[0]) for r in docs))
        return None
