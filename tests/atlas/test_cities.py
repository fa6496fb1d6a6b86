"""Cities from document metadata: spellings merge, disagreements are said, two countries stay apart."""

from __future__ import annotations

from typing import Any

from kb.atlas.cities import SectionStats, build_cities, city_key, fold
from kb.types import Document

SECTIONS = [("leadership", "Leadership group"), ("coordination", "Coordination and referral")]


def doc(i: int, city: str | None, **meta: Any) -> Document:
    m = {"city": city, **meta} if city else dict(meta)
    return Document(id=i, sha256=str(i), source=f"d{i}.md", title=f"Doc {i}", language=meta.pop("lang", "en"),
                    format="markdown", metadata=m, status="ready", created_at="", updated_at="", chunk_count=3)


def test_spellings_of_one_city_make_one_city() -> None:
    assert city_key("Harrow Bend") == city_key("harrow bend") == city_key("HARROW-BEND") == city_key(" Harrow  Bend ")
    assert fold("Montcalvène") == fold("montcalvene")
    docs = [doc(1, "Harrow Bend", country="US", population_band="250k-1m", themes=["referral"], year=2023),
            doc(2, "harrow bend", country="US", population_band="250k-1m", themes=["online-hate"], year=2024),
            doc(3, "HARROW-BEND", country="US", population_band="50k-250k", year=2024),
            doc(4, None, doc_type="network-guidance")]
    stats = {1: {"leadership": SectionStats(2, 11, 0.8)}, 2: {"leadership": SectionStats(1, 21, 0.9),
                                                              "coordination": SectionStats(3, 22, 0.7)}}
    cities = build_cities(docs, SECTIONS, stats)
    assert len(cities) == 1
    c = cities[0]
    assert c.name == "Harrow Bend"  # the spelling with capitals, among equally frequent ones
    assert [d.id for d in c.documents] == [1, 2, 3] and c.years == (2023, 2024)
    assert set(c.spellings) == {"Harrow Bend", "harrow bend", "HARROW-BEND"}
    assert c.population_band == "250k-1m"  # two documents say so, one says otherwise...
    assert c.conflicts == ("population band given as 250k-1m (2 documents) and 50k-250k (1 document)",)
    assert c.coverage() == {"leadership": 3, "coordination": 3}
    best = {s.section: (s.best_chunk, s.best_score) for s in c.sections}
    assert best == {"leadership": (21, 0.9), "coordination": (22, 0.7)}


def test_same_name_in_two_countries_is_two_cities() -> None:
    docs = [doc(1, "Córdoba", country="ES"), doc(2, "Cordoba", country="AR"), doc(3, "Córdoba", country="ES"),
            doc(4, "cordoba")]
    cities = {c.key: c for c in build_cities(docs, SECTIONS, {})}
    assert set(cities) == {"cordoba (es)", "cordoba (ar)"}
    assert [d.id for d in cities["cordoba (es)"].documents] == [1, 3, 4]  # no country: joins the most common
    assert cities["cordoba (es)"].name == "Córdoba" and cities["cordoba (ar)"].name == "Cordoba"


def test_kb_cities_and_city_lookup(city_kb: Any) -> None:
    cities = city_kb.cities()
    assert [c.name for c in cities] == ["Harrow Bend", "Lindau", "Villa Sol"]
    harrow = city_kb.city("HARROW bend")
    assert harrow is not None and harrow.name == "Harrow Bend" and len(harrow.documents) == 2
    assert harrow.themes[:1] == ("leadership-group",) or "referral" in harrow.themes
    assert city_kb.city("Atlantis") is None
    assert city_kb.overview().no_city_documents == 1
    # a metadata change is seen at once (the stored profiles follow the catalog)
    doc = city_kb.document("lindau-jugend.md")
    city_kb.update_metadata(doc.id, {**doc.metadata, "city": "Lindau am See"})
    assert [c.name for c in city_kb.cities()] == ["Harrow Bend", "Lindau am See", "Villa Sol"]


def test_no_city_metadata_says_how_to_add_it(hash_kb: Any, tmp_path: Any) -> None:
    (tmp_path / "a.md").write_text("# A\n\nThe steering group meets monthly.\n", encoding="utf-8")
    hash_kb.add([tmp_path / "a.md"])
    ov = hash_kb.overview()
    assert hash_kb.cities() == [] and ov.heat == ()
    assert [n.kind for n in ov.notes] == ["no_city_metadata"]
    assert "kb set DOC city=" in ov.notes[0].text


def test_the_overview_names_no_gap_in_an_unknown_language() -> None:
    """QA: "Aucun document en und ne traite de « Groupe de pilotage … »": a file whose language could not
    be told ("und") made a gap no reader can fill."""
    from kb.atlas.overview import build_overview

    ov = build_overview(documents=4, chunks=9, labelled=6, facet_counts={"language": [("en", 3), ("und", 1)]},
                        sections=[("plan", "Prevention plan"), ("leadership", "Leadership group")], cities=[],
                        no_city_documents=4, per_language={("en", "plan"): 2}, totals={"plan": 2, "leadership": 1})
    assert [(g.kind, g.section, g.language) for g in ov.gaps] == [("language", "leadership", "en")]
