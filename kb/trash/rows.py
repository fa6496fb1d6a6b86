"""A signal's rows as a file: arrays, lists, tuples, strings and None, without pickle.

`Signal.rows` returns whatever its `add` takes (a float32 matrix, a (terms, weights) pair, a list of
per-chunk arrays ...). The trash writes them as one `.npz` holding the arrays plus a small JSON tree
saying how they nest, and reads them back with `allow_pickle=False`, so a trash folder can never
make the KB run code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["save_rows", "load_rows"]


def _pack(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return {"v": value}
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise TypeError("The trash keeps arrays of numbers or text only, not of Python objects.")
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"a": key}
    if isinstance(value, list | tuple):
        return {"list" if isinstance(value, list) else "tuple": [_pack(v, arrays) for v in value]}
    raise TypeError(f"The trash cannot keep a signal's rows of type {type(value).__name__}.")


def _unpack(tree: Any, arrays: Any) -> Any:
    if "v" in tree:
        return tree["v"]
    if "a" in tree:
        return arrays[tree["a"]]
    if "list" in tree:
        return [_unpack(t, arrays) for t in tree["list"]]
    return tuple(_unpack(t, arrays) for t in tree["tuple"])


def save_rows(path: Path, ids: np.ndarray, rows: Any) -> None:
    """Write (ids, rows) to `path` atomically."""
    arrays: dict[str, np.ndarray] = {}
    tree = _pack(rows, arrays)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        named: dict[str, Any] = {"__ids__": np.asarray(ids, dtype=np.int64), "__tree__": np.str_(json.dumps(tree)),
                                 **arrays}
        np.savez(f, **named)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_rows(path: Path) -> tuple[np.ndarray, Any]:
    """(ids, rows) as `save_rows` wrote them."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    tree = json.loads(str(arrays.pop("__tree__")))
    return arrays.pop("__ids__"), _unpack(tree, arrays)
