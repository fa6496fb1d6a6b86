"""The atlas of one KB: section labels, cities, comparable cities and the overview, behind one object.

`KnowledgeBase.atlas` creates it; the KnowledgeBase's own methods (`relabel`, `cities`, `city`,
`compare`, `section_examples`, `overview`) are thin calls into it and into kb.atlas.examples.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.atlas.city_store import CityStore
from kb.atlas.examples import prefer_rerank
from kb.atlas.label_store import LabelStore
from kb.atlas.labelling import Labeller
from kb.atlas.overview import Note, Overview, build_overview
from kb.atlas.profile import Profile, ProfileError, check_profile, find_city
from kb.atlas.records import City, ComparableCity, RelabelReport
from kb.atlas.similarity import CityTable, rank_cities
from kb.drafting.framework import DEFAULT_FRAMEWORK

if TYPE_CHECKING:
    from kb.indexing.indexes import Indexes
    from kb.settings import Settings
    from kb.store.catalog import Catalog

__all__ = ["Atlas"]

_FACETS = ("language", "country", "doc_type", "year")


class Atlas:
    """Section labels, cities and comparisons over one KB's catalog and indexes."""

    def __init__(self, catalog: Catalog, indexes: Indexes, settings: Settings) -> None:
        self.catalog = catalog
        self.store = LabelStore(catalog)
        self.labeller = Labeller(self.store, indexes, settings.framework or DEFAULT_FRAMEWORK)
        self.city_store = CityStore(self.store, self.labeller.sections)
        self.indexes = indexes
        self._table: tuple[str, CityTable] | None = None
        self._similarity: dict[tuple[Any, ...], dict[str, float]] = {}

    # --- section labels ----------------------------------------------------------------------

    def ensure_labels(self) -> RelabelReport | None:
        return self.labeller.ensure()

    def relabel(self) -> RelabelReport:
        return self.labeller.relabel()

    def label_added(self, doc_id: int, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Label a document's chunks just committed (the ingest hook); vectors as indexed."""
        if len(ids):
            self.labeller.label_documents([int(doc_id)], ids, vectors)

    def sections(self) -> list[tuple[str, str]]:
        """(key, title) of the framework sections the labels use."""
        return self.labeller.sections()

    def framework_error(self) -> str | None:
        return self.labeller.error()

    def labels_of(self, chunk_ids: Any) -> dict[int, dict[str, float]]:
        return self.store.labels_of(chunk_ids)

    # --- cities ------------------------------------------------------------------------------

    def cities(self) -> list[City]:
        return self.city_store.cities()

    def city(self, name: str) -> City | None:
        """A city by name, however spelled ("harrow bend"), or by key."""
        return find_city(name, self.cities())

    def regions(self) -> list[str]:
        return self.catalog.facet_values("region")

    def doc_cities(self) -> dict[int, str]:
        """Document id -> its city's key (documents naming no city are absent)."""
        return {d.id: c.key for c in self.cities() for d in c.documents}

    # --- profiles and comparison -------------------------------------------------------------

    def profile(self, raw: Profile | dict[str, Any]) -> Profile:
        """A checked profile (ProfileError lists the allowed values of a wrong one)."""
        return check_profile(raw, regions=self.regions(), cities=self.cities())

    def _city_table(self) -> CityTable:
        fp, cities, vectors = self.city_store.current()
        if self._table is None or self._table[0] != fp:
            self._table = (fp, CityTable.build(cities, vectors, self.indexes.embedder.dim))
            self._similarity.clear()
        return self._table[1]

    def _text_vector(self, profile: Profile) -> np.ndarray | None:
        if profile.city:
            return self.city_store.vectors().get(profile.city)
        if profile.themes:
            words = "; ".join(t.replace("-", " ") for t in profile.themes)
            vec = self.indexes.cache.embed_queries(self.indexes.embedder, [words])[0]
            return vec / (np.linalg.norm(vec) or 1.0)
        return None

    def compare(self, profile: Profile | dict[str, Any], k: int | None = None) -> list[ComparableCity]:
        """The known cities other than the profile's own, most comparable first, each with its reasons."""
        checked = self.profile(profile)
        if checked.is_empty():
            raise ProfileError("Describe the city to compare with: a population band, a region or country, "
                               "themes, or a known city (see `kb cities`).")
        return rank_cities(self._city_table(), checked, text_vector=self._text_vector(checked), k=k)

    def similarity(self, profile: Profile) -> dict[str, float]:
        """City key -> how comparable (0..1) for a checked profile; its own city counts as 1."""
        table = self._city_table()
        key = (profile, self._table[0] if self._table else "")
        if key not in self._similarity:
            ranked = rank_cities(table, profile, text_vector=self._text_vector(profile)) if not profile.is_empty() else []
            sims = {c.key: c.score for c in ranked}
            if profile.city:
                sims[profile.city] = 1.0
            self._similarity = {key: sims}  # one profile at a time is what a session uses
        return self._similarity[key]

    def prefer(self, ranked: list[tuple[int, float]], profile: Profile) -> list[tuple[int, float]]:
        """Re-rank (chunk id, score) candidates towards cities comparable to a checked profile."""
        sims = self.similarity(profile)
        if not sims or not ranked:
            return ranked
        rows = self.catalog._select_in("SELECT id, doc_id FROM chunks WHERE id IN ({marks})", [c for c, _ in ranked])
        doc_city = self.doc_cities()
        city_of = {int(r[0]): doc_city.get(int(r[1])) for r in rows}
        return prefer_rerank(ranked, city_of, sims)

    # --- a draft's city ----------------------------------------------------------------------

    def draft_profile(self, draft_id: int) -> Profile | None:
        """The profile a draft records (m007), else its city's when the KB knows that city, else None."""
        row = self.catalog.db.execute("SELECT city, profile FROM drafts WHERE id = ?", (int(draft_id),)).fetchone()
        if row is None:
            return None
        stored = Profile.from_dict(json.loads(row["profile"] or "{}"))
        try:
            if not stored.is_empty():
                return self.profile(stored)
            return self.profile(Profile(city=row["city"])) if row["city"] and self.city(row["city"]) else None
        except ProfileError:
            return None  # a city or region since removed from the KB: as if none were recorded

    def set_draft_profile(self, draft_id: int, profile: Profile | dict[str, Any] | None) -> Profile | None:
        """Record the profile of the city a draft is written for (checked; None clears it)."""
        checked = self.profile(profile) if profile is not None else None
        value = json.dumps(checked.to_dict() if checked else {}, ensure_ascii=False)
        with self.catalog.transaction() as db:
            db.execute("UPDATE drafts SET profile = ? WHERE id = ?", (value, int(draft_id)))
        return checked

    # --- overview ----------------------------------------------------------------------------

    def overview(self) -> Overview:
        """The collection at a glance (counts, the cities x sections heat map, gaps)."""
        db = self.catalog.db
        rows = db.execute(
            f"SELECT key, value, COUNT(DISTINCT doc_id) FROM doc_facets WHERE key IN ({','.join('?' * len(_FACETS))}) "
            "GROUP BY key, value", _FACETS).fetchall()
        facets: dict[str, list[tuple[str, int]]] = {}
        for key, value, n in rows:
            facets.setdefault(str(key), []).append((str(value), int(n)))
        documents = int(db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        with_city = int(db.execute("SELECT COUNT(DISTINCT doc_id) FROM doc_facets WHERE key = 'city'").fetchone()[0])
        error = self.framework_error()
        notes = [Note("framework_error", error)] if error else []
        return build_overview(
            documents=documents,
            chunks=int(db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]),
            labelled=int(db.execute("SELECT COUNT(DISTINCT chunk_id) FROM section_labels").fetchone()[0]),
            facet_counts=facets,
            sections=self.sections(),
            cities=self.cities(),
            no_city_documents=documents - with_city,
            per_language=self.store.language_section_counts(),
            totals=self.store.counts(),
            notes=notes,
        )
