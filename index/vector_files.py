"""The vector index's files: the FAISS file and its JSON manifest, as `VectorIndex` saves and loads them.

Kept apart from `vectors.py` (adding, removing and searching in memory) because the files are a
contract with every KB already on disk: the manifest's fields, the checks that refuse an index built
with another model or torn by a crash, and the order of the two atomic writes live here, so the
search code can change without touching what a saved index looks like.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from index.atomic import atomic_path, write_json_atomic
from index.errors import IndexFileError, IndexMismatchError
from index.faiss_api import FaissIndex, faiss

__all__ = ["FORMAT_VERSION", "SavedVectors", "manifest_path", "read_vectors", "write_vectors"]

FORMAT_VERSION = 1


class SavedVectors(NamedTuple):
    """What a saved index holds besides its vectors: the manifest's fields `VectorIndex` keeps."""

    index: FaissIndex
    dim: int
    kind: str
    auto: bool  # the kind follows the size ("auto")
    text_format: str | None  # the caller's label for the text it embedded


def manifest_path(path: Path) -> Path:
    """Where the JSON manifest of an index file lives."""
    return Path(path).with_name(Path(path).name + ".manifest.json")


def read_vectors(path: Path, embedder_id: str, dim: int | None = None) -> SavedVectors:
    """Read a saved index and its manifest, refusing one built with another embedder.

    Args:
        path: the index file written by `write_vectors`.
        embedder_id: the embedder the caller will query with.
        dim: that embedder's dim, checked too when given.

    Returns:
        The FAISS index as saved (an IVF index still needs its direct map) and its manifest's fields.

    Raises:
        IndexFileError: a file is missing, unreadable, or the index disagrees with its manifest
            (a crash between the two writes).
        IndexMismatchError: the index was built with another embedder or dim.
    """
    path = Path(path)
    mpath = manifest_path(path)
    if not path.exists() or not mpath.exists():
        raise IndexFileError(f"No vector index at {path}. Run `kb reindex` to build it.")
    try:
        manifest = json.loads(mpath.read_text("utf-8"))
    except (OSError, ValueError) as err:
        raise IndexFileError(f"The vector index manifest {mpath} is unreadable: {err}") from err
    built_with, built_dim = manifest.get("embedder_id"), manifest.get("dim")
    if built_with != embedder_id or (dim is not None and built_dim != dim):
        raise IndexMismatchError(
            f"This index was built with {built_with} ({built_dim}-d); you asked for {embedder_id}"
            f"{f' ({dim}-d)' if dim is not None else ''}. Run `kb reindex` to rebuild it with "
            f"{embedder_id}.",
            built_with=built_with,
        )
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as err:
        raise IndexFileError(f"The vector index {path} is unreadable: {err}") from err
    if index.d != built_dim or index.ntotal != manifest.get("count"):
        raise IndexFileError(
            f"The vector index {path} disagrees with its manifest (dim {index.d}, "
            f"{index.ntotal} vectors). Run `kb reindex`."
        )
    return SavedVectors(index, int(built_dim), manifest.get("kind", "flat"), bool(manifest.get("auto")),
                        manifest.get("text_format"))


def write_vectors(path: Path, saved: SavedVectors, embedder_id: str) -> None:
    """Write the index and its manifest, each atomically (temp file, fsync, rename).

    The index file is replaced first: a crash between the two leaves a manifest whose count
    disagrees, which `read_vectors` reports instead of serving a stale mix.

    Args:
        path: the index file.
        saved: the FAISS index to write and the manifest's fields.
        embedder_id: the model its vectors came from.
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        faiss.write_index(saved.index, str(tmp))
    write_json_atomic(
        manifest_path(path),
        {
            "format_version": FORMAT_VERSION,
            "embedder_id": embedder_id,
            "dim": saved.dim,
            "count": int(saved.index.ntotal),
            "kind": saved.kind,
            "auto": saved.auto,
            "text_format": saved.text_format,
        },
    )
