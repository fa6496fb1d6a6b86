"""A row and everything that goes with it: the rows other tables hold of it (ON DELETE CASCADE),
found from the catalog's own foreign keys, so a table added later (section labels, a directory, a
roster ...) goes to the trash and comes back with the document or draft without a line here.

`capture` collects the rows (parents first); `put_back` inserts them again in an order where every
row's parents come first, under the same ids. A row whose id a newer row took meanwhile gets a new id
(`kb.store.catalog.next_id`) and the rows pointing at it follow, except in the tables named `exact`
(documents, chunks, drafts, draft items: what the indexes and the page refer to), where that is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from kb.store.catalog import next_id
from kb.trash.store import TrashError, from_json, row_dict

__all__ = ["capture", "put_back", "highest_ids"]

Rows = dict[str, list[dict[str, Any]]]


def _foreign_keys(db: sqlite3.Connection, table: str) -> list[tuple[str, str, str, str]]:
    """(column, parent table, parent column, on delete) of each foreign key of `table`."""
    return [(r[3], r[2], r[4] or "id", str(r[6]).upper()) for r in db.execute(f"PRAGMA foreign_key_list({table})")]


def _tables(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]


def _children(db: sqlite3.Connection, parent: str) -> list[tuple[str, str, str]]:
    """(child table, its column, the parent's column) of every table deleted with `parent` (CASCADE)."""
    return [(t, col, to) for t in _tables(db) for col, ptable, to, action in _foreign_keys(db, t)
            if ptable == parent and action == "CASCADE"]


def _select(db: sqlite3.Connection, table: str, column: str, values: Sequence[Any]) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = []
    for start in range(0, len(values), 900):
        part = list(values[start:start + 900])
        rows += db.execute(f"SELECT * FROM {table} WHERE {column} IN ({','.join('?' * len(part))})", part).fetchall()
    return rows


def capture(db: sqlite3.Connection, table: str, ids: Iterable[int]) -> Rows:
    """The rows of `table` with these ids and, recursively, every row deleted with them.

    Returns:
        {table: [row as JSON-safe dict]}, parents before children.
    """
    out: Rows = {}
    queue: list[tuple[str, str, list[Any]]] = [(table, "id", list(ids))]
    while queue:
        name, column, values = queue.pop(0)
        if not values:
            continue
        rows = _select(db, name, column, values)
        if not rows:
            continue
        known = out.setdefault(name, [])
        known += [row_dict(r) for r in rows]
        for child, col, to in _children(db, name):
            queue.append((child, col, [r[to] for r in rows]))
    return out


def highest_ids(rows: Rows) -> dict[str, int]:
    """The highest `id` of each captured table that has one (for the trash's id floors)."""
    return {t: max(r["id"] for r in rs) for t, rs in rows.items() if rs and "id" in rs[0]}


def _order(db: sqlite3.Connection, tables: Iterable[str]) -> list[str]:
    """The tables ordered so that every table comes after the tables it points at."""
    todo, done = list(tables), []
    while todo:
        for t in todo:
            parents = {p for _, p, _, _ in _foreign_keys(db, t)} - {t}
            if not parents & (set(todo) - {t}):
                done.append(t)
                todo.remove(t)
                break
        else:  # a loop of foreign keys: keep the captured order
            done += todo
            break
    return done


def put_back(db: sqlite3.Connection, rows: Rows, *, exact: set[str], replace: dict[str, dict[str, Any]] | None = None
             ) -> None:
    """Insert captured rows again (inside the caller's transaction).

    Args:
        rows: what `capture` returned.
        exact: tables whose rows must come back under their own ids (TrashError when one is taken).
        replace: column values to change, by table (a restored document's new source name).
    """
    moved: dict[str, dict[Any, Any]] = {}
    for table in _order(db, rows):
        keys = _foreign_keys(db, table)
        columns = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        for saved in rows[table]:
            row = {k: from_json(v) for k, v in saved.items() if k in columns}
            row.update((replace or {}).get(table, {}))
            for col, parent, to, _ in keys:
                if to == "id" and row.get(col) in moved.get(parent, {}):
                    row[col] = moved[parent][row[col]]
            if "id" in row and db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row["id"],)).fetchone():
                if table in exact:
                    raise TrashError(f"The {table} row {row['id']} is in use; it cannot be restored under its id.")
                new = next_id(db, table)
                moved.setdefault(table, {})[row["id"]] = new
                row["id"] = new
            cols = list(row)
            db.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                       [row[c] for c in cols])
