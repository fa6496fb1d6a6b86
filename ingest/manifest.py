"""Metadata that travels with files: a CSV manifest for a folder, or a JSON sidecar per file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import MetadataError
from .schema import editable_fields

__all__ = ["Manifest", "load_manifest", "dump_manifest", "load_sidecar", "is_sidecar", "SIDECAR_SUFFIX"]

SIDECAR_SUFFIX = ".meta.json"
# The fields coordinators set, in the order a person filling in a manifest thinks of them (ingest.schema).
MANIFEST_COLUMNS = tuple(f.name for f in editable_fields())


def _parts(name: str) -> tuple[str, ...]:
    """A manifest path as parts, whatever slash the author used."""
    return tuple(p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in (".", ""))


@dataclass
class Manifest:
    """Rows of a manifest CSV, keyed by the path in its `file` column (relative to `folder`)."""

    folder: Path
    rows: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)

    def lookup(self, path: Path) -> dict[str, str]:
        """Find the metadata row for a file.

        Args:
            path: the file, absolute or relative.

        Returns:
            A copy of the row (raw strings, without `file`): matched by path relative to the
            manifest's folder, then by the longest suffix of path parts, then by file name; {} if none.
        """
        path = Path(path)
        try:
            rel = path.resolve().relative_to(self.folder.resolve())
            row = self.rows.get(tuple(rel.parts))
            if row is not None:
                return dict(row)
        except ValueError:
            pass
        parts = tuple(path.parts)
        best: tuple[int, dict[str, str]] | None = None
        for key, row in self.rows.items():
            if (
                len(key) <= len(parts)
                and parts[len(parts) - len(key) :] == key
                and (best is None or len(key) > best[0])
            ):
                best = (len(key), row)
        if best is not None:
            return dict(best[1])
        for key, row in self.rows.items():
            if key and key[-1] == path.name:
                return dict(row)
        return {}


def load_manifest(csv_path: Path) -> Manifest:
    """Read a manifest CSV (UTF-8, with or without BOM) with a `file` column.

    Args:
        csv_path: the CSV file; paths in it are relative to its folder.

    Returns:
        A Manifest; every column other than `file` becomes raw metadata.

    Raises:
        MetadataError: when the file cannot be read as UTF-8 CSV, has no `file` column, or lists
            the same file twice.
    """
    csv_path = Path(csv_path)
    try:
        text = csv_path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MetadataError(f"{csv_path.name}: the manifest must be saved as UTF-8 CSV") from exc
    except OSError as exc:
        raise MetadataError(f"{csv_path.name}: cannot read the manifest ({exc.strerror})") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [(h or "").strip() for h in (reader.fieldnames or [])]
    if "file" not in [h.lower() for h in headers]:
        raise MetadataError(
            f"{csv_path.name}: the manifest needs a 'file' column; found: {', '.join(headers) or 'none'}"
        )
    manifest = Manifest(folder=csv_path.parent)
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "") for k, v in raw.items() if k is not None}
        file_key = next(k for k in row if k.lower() == "file")
        key = _parts(row.pop(file_key).strip())
        if not key:
            continue
        if key in manifest.rows:
            raise MetadataError(f"{csv_path.name} line {line}: file {'/'.join(key)!r} is listed twice")
        manifest.rows[key] = row
    return manifest


def dump_manifest(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> str:
    """A manifest CSV that `load_manifest` reads back to the same metadata.

    Args:
        rows: (file, metadata) pairs; the file as the manifest's `file` column should name it.

    Returns:
        CSV text: `file`, the known fields in `MANIFEST_COLUMNS` order, then any other field by name.
        Lists are written "a; b" (as `themes` is read); other values that are not text, as JSON.
    """
    rows = list(rows)
    extra = sorted({k for _, meta in rows for k in meta} - set(MANIFEST_COLUMNS))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", *MANIFEST_COLUMNS, *extra])
    for name, meta in rows:
        writer.writerow([name, *(_cell(meta.get(k)) for k in (*MANIFEST_COLUMNS, *extra))])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def is_sidecar(path: Path) -> bool:
    """True for `NAME.meta.json` files, which hold metadata and are not documents themselves."""
    return Path(path).name.lower().endswith(SIDECAR_SUFFIX)


def load_sidecar(path: Path) -> dict[str, Any]:
    """Read the metadata sidecar of a document: `report.pdf.meta.json` or `report.meta.json`.

    Args:
        path: the document (not the sidecar).

    Returns:
        The JSON object (raw, unvalidated), or {} when there is no sidecar.

    Raises:
        MetadataError: when the sidecar is not valid JSON or not an object.
    """
    path = Path(path)
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)):
        if not candidate.is_file():
            continue
        try:
            data = json.loads(candidate.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, OSError) as exc:
            raise MetadataError(f"{candidate.name}: cannot read it as UTF-8 text") from exc
        except json.JSONDecodeError as exc:
            raise MetadataError(f"{candidate.name}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
        if not isinstance(data, dict):
            raise MetadataError(
                f"{candidate.name}: expected a JSON object of field: value, got {type(data).__name__}"
            )
        return data
    return {}
