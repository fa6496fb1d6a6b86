"""The KB's cities, built from the catalog when it changes and kept in it (m007) until it changes again.

Building reads every document's metadata, its section-label counts and its centroid; at 1,000 cities
that is worth keeping: the built profiles are stored with the catalog's fingerprint, so a new process
(`kb compare`) reads them back in one query, and this process keeps them in memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np

from kb.atlas.cities import build_cities
from kb.atlas.label_store import LabelStore
from kb.atlas.records import City, CityDocument, CitySection

__all__ = ["CityStore", "city_from_dict"]


def city_from_dict(d: dict[str, Any]) -> City:
    """A City from `City.to_dict()` (as stored)."""
    return City(
        **{
            **d,
            "languages": tuple(d["languages"]),
            "documents": tuple(CityDocument(**x) for x in d["documents"]),
            "themes": tuple(d["themes"]),
            "years": tuple(d["years"]),
            "sections": tuple(CitySection(**x) for x in d["sections"]),
            "spellings": tuple(d.get("spellings", ())),
            "conflicts": tuple(d.get("conflicts", ())),
        }
    )


class CityStore:
    """Cities of one KB.

    Args:
        store: the KB's label tables (and catalog); sections: () -> (key, title) of the framework's sections.
    """

    def __init__(self, store: LabelStore, sections: Callable[[], list[tuple[str, str]]]) -> None:
        self.store = store
        self.sections = sections
        self._cached: tuple[str, list[City], dict[str, np.ndarray]] | None = None

    def cities(self) -> list[City]:
        return self._load()[1]

    def vectors(self) -> dict[str, np.ndarray]:
        """City key -> the mean vector of its chunks (what its documents say), when known."""
        return self._load()[2]

    def current(self) -> tuple[str, list[City], dict[str, np.ndarray]]:
        """(the catalog fingerprint they were built at, the cities, their vectors)."""
        return self._load()

    def _load(self) -> tuple[str, list[City], dict[str, np.ndarray]]:
        fp = self.store.fingerprint()
        if self._cached is not None and self._cached[0] == fp:
            return self._cached
        db = self.store.catalog.db
        if self.store.state("cities_fingerprint") == fp:
            rows = db.execute("SELECT key, record, vector FROM city_profiles").fetchall()
            cities = sorted((city_from_dict(json.loads(r[1])) for r in rows), key=lambda c: (c.name.casefold(), c.key))
            vectors = {str(r[0]): np.frombuffer(r[2], dtype=np.float32) for r in rows if r[2] is not None}
        else:
            cities, vectors = self._build()
            with self.store.catalog.transaction() as tx:
                tx.execute("DELETE FROM city_profiles")
                tx.executemany(
                    "INSERT INTO city_profiles (key, record, vector) VALUES (?, ?, ?)",
                    [(c.key, json.dumps(c.to_dict(), ensure_ascii=False),
                      vectors[c.key].tobytes() if c.key in vectors else None) for c in cities],
                )
                tx.execute("INSERT OR REPLACE INTO atlas_state (key, value) VALUES ('cities_fingerprint', ?)", (fp,))
            fp = self.store.fingerprint()  # unchanged by the write above: it reads no city table
        self._cached = (fp, cities, vectors)
        return self._cached

    def _build(self) -> tuple[list[City], dict[str, np.ndarray]]:
        docs = self.store.catalog.documents()
        cities = build_cities(docs, self.sections(), self.store.doc_stats())
        centroids = self.store.centroids()
        vectors: dict[str, np.ndarray] = {}
        for c in cities:
            parts = [(n, v) for d in c.documents if (got := centroids.get(d.id)) is not None for n, v in [got]]
            if parts:
                total = np.asarray(sum(n * v.astype(np.float64) for n, v in parts), dtype=np.float64)
                norm = float(np.linalg.norm(total))
                if norm > 0:
                    vectors[c.key] = (total / norm).astype(np.float32)
        return cities, vectors
