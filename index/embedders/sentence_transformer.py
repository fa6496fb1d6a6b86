"""Any sentence-transformers model from a local folder (or an already-cached hub id), on CPU."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embedders.base import EmbedderError, check_vectors

__all__ = ["SentenceTransformerEmbedder"]


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded offline, normalised output.

    e5-family models (name contains "e5") get the "query: "/"passage: " prefixes they were trained
    with; other models get raw text. sentence-transformers and torch are imported here, not at module
    import, because importing them costs ~7.5 s.
    """

    def __init__(self, name_or_path: str, batch_size: int = 16) -> None:
        """Load the model without touching the network.

        Args:
            name_or_path: a local model folder, or a hub id already in the local cache.
            batch_size: passages per forward pass.
        """
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as err:  # torch is an optional extra
            raise EmbedderError(
                "The sentence-transformers backend needs the 'st' extra: pip install -e '.[st]'"
            ) from err
        local = Path(name_or_path).expanduser()
        try:
            if local.is_dir():
                self._model = SentenceTransformer(str(local), device="cpu", local_files_only=True)
            else:
                self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
        except Exception as err:  # noqa: BLE001 - HF raises many types; all mean "not available here"
            raise EmbedderError(
                f"Could not load the sentence-transformers model {name_or_path!r} offline ({err}). "
                "Give the path of a local model folder instead, e.g. "
                "'sentence-transformers:/path/to/model'."
            ) from err
        label = local.name if local.is_dir() else name_or_path
        self.id = f"st:{label}"
        dim = self._model.get_embedding_dimension()
        if not dim:
            raise EmbedderError(f"{self.id} does not report an embedding dimension.")
        self.dim = int(dim)
        self._batch_size = batch_size
        self._e5 = "e5" in label.lower()

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = self._model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return check_vectors(np.asarray(out).reshape(len(texts), self.dim), self.dim, self.id)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages; an empty list gives shape (0, dim)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._e5:
            texts = [f"passage: {t}" for t in texts]
        return self._encode(texts)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query."""
        return self._encode([f"query: {text}" if self._e5 else text])[0]

    def count_tokens(self, text: str) -> int:
        """Tokens the model's tokenizer produces, special tokens included."""
        return len(self._model.tokenizer(text, add_special_tokens=True)["input_ids"])
