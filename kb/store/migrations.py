"""Numbered, append-only schema migrations for the catalog.

Each migration is a small function registered in order; the catalog records which have run in
`schema_migrations` and applies the rest in one transaction each. Never edit a migration that has
shipped: add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

__all__ = ["MIGRATIONS", "migration", "apply_migrations", "run_script"]

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    """Register `fn` as the next migration; its name (m001_...) is its identity."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_documents_and_chunks(db: sqlite3.Connection) -> None:
    run_script(
        db,
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL,
            source TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            language TEXT NOT NULL,
            format TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL,
            page_count INTEGER,
            stored_path TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX documents_sha ON documents(sha256);
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            text TEXT NOT NULL,
            page INTEGER,
            section TEXT NOT NULL DEFAULT '[]',
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            language TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            UNIQUE (doc_id, ordinal)
        );
        CREATE INDEX chunks_doc ON chunks(doc_id);
        -- filterable metadata, one row per (document, key, value): themes has several rows.
        CREATE TABLE doc_facets (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL
        );
        CREATE INDEX doc_facets_kv ON doc_facets(key, value);
        CREATE INDEX doc_facets_doc ON doc_facets(doc_id);
        CREATE TABLE ingest_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            report TEXT NOT NULL DEFAULT '{}'
        );
        """
    )


def run_script(db: sqlite3.Connection, sql: str) -> None:
    """Run `;`-separated statements one by one, so they join the caller's transaction.

    (`executescript` would commit first, and a failing migration could leave half a schema.)
    """
    for statement in sql.split(";"):
        if statement.strip() and not all(
            line.strip().startswith("--") or not line.strip() for line in statement.splitlines()
        ):
            db.execute(statement)


def apply_migrations(db: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction.

    The connection must be in autocommit mode (`isolation_level=None`).

    Returns:
        The names of the migrations applied by this call.
    """
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    applied = []
    for name, fn in MIGRATIONS:
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
                db.execute("ROLLBACK")
                continue
            fn(db)
            db.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, datetime('now'))", (name,)
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


@migration
def m002_drafts(db: sqlite3.Connection) -> None:
    # Draft items copy the excerpt text and its citation, so a draft outlives the documents it cites:
    # chunk_id and doc_id are plain integers, not foreign keys.
    run_script(
        db,
        """
        CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            city TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE draft_items (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
            section_key TEXT NOT NULL,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('excerpt', 'note')),
            chunk_id INTEGER,
            text TEXT NOT NULL,
            citation TEXT NOT NULL DEFAULT '',
            doc_id INTEGER,
            source TEXT,
            page INTEGER,
            meta TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE INDEX draft_items_section ON draft_items(draft_id, section_key, position);
        """
    )


@migration
def m003_document_chunker(db: sqlite3.Connection) -> None:
    # Which chunker cut a document's chunks ('' = before this was recorded), so adding the same file
    # again re-chunks it when the chunker has changed instead of skipping it as unchanged.
    db.execute("ALTER TABLE documents ADD COLUMN chunker TEXT NOT NULL DEFAULT ''")


@migration
def m004_document_signature(db: sqlite3.Connection) -> None:
    # A MinHash signature of the document's text (kb.ingesting.near_duplicates), so adding a near copy of a
    # stored document can be pointed out; NULL until computed (documents from before get it on demand).
    db.execute("ALTER TABLE documents ADD COLUMN signature BLOB")


@migration
def m010_jobs(db: sqlite3.Connection) -> None:
    # Ingest as a background job (kb.jobs): a job and its files, each file's progress and outcome, so
    # the page can show them after a reload and a restart resumes the files not yet done. A file's
    # row becomes 'done' in the same transaction that commits its document: never redone, never twice.
    run_script(
        db,
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            state TEXT NOT NULL,
            user TEXT,
            options TEXT NOT NULL DEFAULT '{}',
            folder TEXT,
            owner TEXT,
            heartbeat TEXT,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            error TEXT
        );
        CREATE INDEX jobs_state ON jobs(state);
        CREATE TABLE job_files (
            job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            path TEXT NOT NULL,
            source TEXT NOT NULL,
            name TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            step TEXT,
            done INTEGER NOT NULL DEFAULT 0,
            total INTEGER NOT NULL DEFAULT 0,
            outcome TEXT,
            PRIMARY KEY (job_id, ordinal)
        );
        """
    )
