"""The atlas's methods on KnowledgeBase, kept here so the KnowledgeBase only inherits them.

Each is a few lines over `kb.atlas.Atlas` (labels, cities, comparison, overview) or
`kb.atlas.examples` (cited excerpts, found by a `kb.searching` Searcher over the same catalog and indexes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from kb.atlas.atlas import Atlas
from kb.atlas.examples import SectionError, examples_ranked
from kb.atlas.overview import Overview
from kb.atlas.profile import Profile, ProfileError
from kb.atlas.records import City, ComparableCity, RelabelReport, SectionExample
from kb.searching.searcher import Searcher

if TYPE_CHECKING:
    from kb.indexing.indexes import Indexes
    from kb.settings import Settings
    from kb.store.catalog import Catalog

__all__ = ["AtlasMethods"]


class AtlasMethods:
    """Mixed into KnowledgeBase (which provides `catalog`, `indexes` and `settings`)."""

    catalog: Catalog
    indexes: Indexes
    settings: Settings
    _atlas: Atlas | None = None

    def _follow(self) -> None:
        """Catch up with another process's changes before a search (KnowledgeBase._follow)."""

    @property
    def atlas(self) -> Atlas:
        if self._atlas is None:
            self._atlas = Atlas(self.catalog, self.indexes, self.settings)
        return self._atlas

    def relabel(self) -> RelabelReport:
        """Label every chunk with the framework sections again, from the framework file as it is now.

        Returns:
            What was done; a file that cannot be read leaves the old labels (`kept_old`, `error`).
        """
        return self.atlas.relabel()

    def chunk_section(self, chunk_id: int) -> str | None:
        """The framework section a passage speaks to most (its highest label; None when it has none):
        where a pin goes when the drafter leaves the section to the passage."""
        labels = self.atlas.labels_of([int(chunk_id)]).get(int(chunk_id), {})
        return max(labels, key=lambda key: labels[key]) if labels else None

    def cities(self) -> list[City]:
        """Every city the documents' metadata name (spellings merged), with what its documents cover."""
        return self.atlas.cities()

    def city(self, name: str) -> City | None:
        """One city by name, however spelled ("harrow bend" finds "Harrow Bend")."""
        return self.atlas.city(name)

    def profile_of_city(self, name: str) -> Profile:
        """"My city": the profile of a known city (ProfileError, listing the known ones, if unknown)."""
        return self.atlas.profile(Profile(city=name))

    def compare(self, profile: Profile | dict[str, Any], k: int | None = None) -> list[ComparableCity]:
        """Other cities ranked by how comparable they are to the profile, each saying why.

        Args:
            profile: a Profile or its fields as a dict (population_band, region, country, themes, city).
            k: how many (None: all).

        Returns:
            ComparableCity records, best first. Raises ProfileError for a value not allowed.
        """
        return self.atlas.compare(profile, k)

    def section_examples(
        self,
        section: str,
        k: int = 5,
        filters: dict[str, Any] | None = None,
        prefer: Profile | dict[str, Any] | None = None,
        query: str | None = None,
        per_doc: int | None = None,
    ) -> list[SectionExample]:
        """The best cited excerpts that speak to a framework section.

        Args:
            section: a section key of the framework file (SectionError lists them when unknown).
            k: how many; filters: as for `search`.
            prefer: a city profile: excerpts from comparable cities rank higher, none are hidden.
            query: rank the section's excerpts by this search instead of by their label score.
            per_doc: excerpts of one document allowed (None: the KB's setting, as in search).

        Returns:
            SectionExample records (hit, label score, and with `prefer` how comparable the city is and why).
        """
        atlas = self.atlas
        sections = dict(atlas.sections())
        if section not in sections:
            raise SectionError(f"Unknown framework section {section!r}; use one of: {', '.join(sections)}.")
        profile = atlas.profile(prefer) if prefer is not None else None
        ids, scores = atlas.store.section_chunks(section)
        if not len(ids):
            return []
        words = " ".join([sections[section], *self._section_searches(section)])
        rerank = (lambda ranked: atlas.prefer(ranked, profile)) if profile is not None else None
        hits = examples_ranked(self._section_searcher(per_doc), ids, scores, k=k, filters=filters, query=query,
                               words=words, rerank=rerank)
        labels = atlas.labels_of([h.chunk_id for h in hits])
        sims = atlas.similarity(profile) if profile is not None else {}
        reasons = {c.key: c.explanation for c in atlas.compare(profile)} if profile is not None and sims else {}
        doc_city = atlas.doc_cities()
        out = []
        for h in hits:
            city = doc_city.get(h.doc_id)
            own = profile is not None and city is not None and city == profile.city
            out.append(SectionExample(
                hit=h, section=section, label_score=labels.get(h.chunk_id, {}).get(section, 0.0),
                city_similarity=(1.0 if own else sims.get(city or "", 0.0)) if profile is not None else None,
                reason="your city" if own else reasons.get(city or "", ""),
            ))
        return out

    def city_excerpts(self, name: str, section: str, k: int = 10) -> list[SectionExample]:
        """A city's excerpts that speak to a section (a heat-map cell), best first."""
        found = self.city(name)
        if found is None:
            raise ProfileError(f"Unknown city {name!r}; see `kb cities`.")
        return self.section_examples(section, k=k, filters={"doc_id": [d.id for d in found.documents]}, per_doc=k)

    def draft_profile(self, draft_id: int) -> Profile | None:
        """The profile of the city a draft is written for (recorded, else its known city's), or None."""
        return self.atlas.draft_profile(draft_id)

    def set_draft_profile(self, draft_id: int, profile: Profile | dict[str, Any] | None) -> Profile | None:
        """Record a draft's city profile (ProfileError for a value not allowed; None clears it)."""
        return self.atlas.set_draft_profile(draft_id, profile)

    def city_best_excerpts(self, name: str) -> dict[str, SectionExample]:
        """Section key -> the city's best cited excerpt for it (sections its documents do not cover are absent)."""
        found = self.city(name)
        if found is None:
            raise ProfileError(f"Unknown city {name!r}; see `kb cities`.")
        titles = dict(self.atlas.sections())
        out: dict[str, SectionExample] = {}
        for s in found.sections:
            if s.best_chunk is None:
                continue
            ids = np.asarray([s.best_chunk], dtype=np.int64)
            hits = examples_ranked(self._section_searcher(None), ids, np.asarray([s.best_score]), k=1, filters=None,
                                   query=None, words=titles.get(s.section, ""))
            if hits:
                out[s.section] = SectionExample(hits[0], s.section, s.best_score)
        return out

    def overview(self) -> Overview:
        """The collection at a glance: documents by language, country, type and year; the cities x
        framework sections heat map; gaps ("no document in Arabic covers ...")."""
        return self.atlas.overview()

    def _section_searcher(self, per_doc: int | None) -> Searcher:
        """A Searcher over this KB allowing `per_doc` passages of one document (None: the KB's setting)."""
        self._follow()
        return Searcher(self.catalog, self.indexes, per_doc or self.settings.max_per_doc)

    def _section_searches(self, section: str) -> list[str]:
        plan = self.atlas.labeller.plan() or {}
        texts = plan.get("texts", {}).get(section, [])
        return list(texts[2:5])  # after title and purpose: the suggested searches come first
