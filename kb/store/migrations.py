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
def m005_ocr_provenance(db: sqlite3.Connection) -> None:
    # What OCR did for a document whose pages were scans (ingest.OcrInfo as JSON: engine, languages,
    # mean confidence per page, skipped pages and why, missing packs, partial); NULL when none were.
    db.execute("ALTER TABLE documents ADD COLUMN ocr TEXT")


@migration
def m006_section_labels(db: sqlite3.Connection) -> None:
    # Which framework sections each chunk speaks to (kb.atlas.labels), with the labeller's score; only
    # the sections a chunk was given are rows. `labelled_chunks` lists every chunk labelled so far,
    # also those given no section, so a chunk added while labelling could not run is labelled later.
    # `atlas_state` keeps what the labels were computed from (the framework's digest), to relabel when
    # the framework file changes.
    run_script(
        db,
        """
        CREATE TABLE section_labels (
            chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
            section TEXT NOT NULL,
            score REAL NOT NULL,
            PRIMARY KEY (section, chunk_id)
        ) WITHOUT ROWID;
        CREATE INDEX section_labels_chunk ON section_labels(chunk_id);
        CREATE TABLE labelled_chunks (
            chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE
        );
        CREATE TABLE atlas_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )


@migration
def m007_cities(db: sqlite3.Connection) -> None:
    # A document's mean chunk vector (kb.atlas.cities: what a city's documents say, for "comparable
    # cities"), stored when its chunks are labelled so a city's profile never needs the vector index;
    # the city profiles built from them, kept until the catalog changes (their fingerprint is in
    # atlas_state); and the profile of the city a draft is written for (kb.atlas.profile, as JSON).
    run_script(
        db,
        """
        CREATE TABLE doc_centroids (
            doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            chunks INTEGER NOT NULL,
            vector BLOB NOT NULL
        );
        CREATE TABLE city_profiles (
            key TEXT PRIMARY KEY,
            record TEXT NOT NULL,
            vector BLOB
        );
        ALTER TABLE drafts ADD COLUMN profile TEXT NOT NULL DEFAULT '{}';
        """
    )


@migration
def m008_directory(db: sqlite3.Connection) -> None:
    # Directory entries (issue 15): a draft's city directory (draft_id) or the shared network directory
    # (draft_id NULL). name_key folds case, accents and articles of name and city, to find duplicates.
    # Contact columns are personal data: the UI shows them to viewers only for public entries.
    # Sources copy the quoted words and the reference data, like draft items: doc_id and chunk_id are
    # pointers while the document exists, not foreign keys.
    run_script(
        db,
        """
        CREATE TABLE directory_entries (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER REFERENCES drafts(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT '',
            sector TEXT NOT NULL DEFAULT '',
            city TEXT NOT NULL DEFAULT '',
            organisation TEXT NOT NULL DEFAULT '',
            target_group TEXT NOT NULL DEFAULT '',
            prevention_level TEXT NOT NULL DEFAULT '[]',
            themes TEXT NOT NULL DEFAULT '[]',
            languages TEXT NOT NULL DEFAULT '[]',
            description TEXT NOT NULL DEFAULT '',
            access TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            website TEXT NOT NULL DEFAULT '',
            contact_point TEXT NOT NULL DEFAULT '',
            public INTEGER NOT NULL DEFAULT 0,
            extra TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX directory_entries_draft ON directory_entries(draft_id);
        CREATE INDEX directory_entries_key ON directory_entries(name_key);
        CREATE TABLE directory_sources (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES directory_entries(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            document TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            page INTEGER,
            section TEXT NOT NULL DEFAULT '[]',
            quote TEXT NOT NULL,
            citation TEXT NOT NULL DEFAULT '',
            doc_id INTEGER,
            chunk_id INTEGER,
            meta TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX directory_sources_entry ON directory_sources(entry_id, position);
        """
    )


@migration
def m009_rosters(db: sqlite3.Connection) -> None:
    # A draft's leadership group (issue 15): one row a seat, in order; entry_id points at the directory
    # entry it was taken from while that exists.
    run_script(
        db,
        """
        CREATE TABLE roster_members (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            organisation TEXT NOT NULL,
            sector TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('chair', 'member', 'observer', 'secretariat')),
            note TEXT NOT NULL DEFAULT '',
            entry_id INTEGER REFERENCES directory_entries(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX roster_members_draft ON roster_members(draft_id, position);
        """
    )


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


@migration
def m011_workspaces(db: sqlite3.Connection) -> None:
    # A workspace is a city's or a team's place: its drafts (and, once they exist, its directory and
    # roster) and its members with their role in it. Today's drafts move into a workspace named after
    # their city ("Unassigned" for a draft without one). A draft shared read-only with another workspace
    # has a row here; target 0 means the whole network (no foreign key: 0 is no workspace).
    run_script(
        db,
        """
        CREATE TABLE workspaces (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE workspace_members (
            workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            user TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('drafter', 'viewer')),
            PRIMARY KEY (workspace_id, user)
        );
        CREATE INDEX workspace_members_user ON workspace_members(user);
        ALTER TABLE drafts ADD COLUMN workspace_id INTEGER REFERENCES workspaces(id);
        CREATE TABLE draft_shares (
            draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
            target INTEGER NOT NULL,
            PRIMARY KEY (draft_id, target)
        );
        INSERT INTO workspaces (name, created_at)
            SELECT DISTINCT CASE WHEN trim(city) = '' THEN 'Unassigned' ELSE trim(city) END,
                   strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
            FROM drafts WHERE true
            ON CONFLICT (name) DO NOTHING;
        UPDATE drafts SET workspace_id = (
            SELECT w.id FROM workspaces w
            WHERE w.name = CASE WHEN trim(drafts.city) = '' THEN 'Unassigned' ELSE trim(drafts.city) END)
        """,
    )


@migration
def m012_audit(db: sqlite3.Connection) -> None:
    # The audit trail: every write, who made it and when; `detail` holds what changed (the before and
    # after of a metadata edit). Append-only through the application: triggers refuse any change.
    run_script(
        db,
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX audit_log_at ON audit_log(at);
        CREATE INDEX audit_log_actor ON audit_log(actor, at)
        """,
    )
    # One statement each (run_script splits on ';', which a trigger body holds).
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only.'); END"
        )


@migration
def m013_trash(db: sqlite3.Connection) -> None:
    # The trash: a removed document (its row, chunks, facets; its signals' rows and its original are
    # files under the KB home's trash/ folder) or draft (its row, items, shares), kept until
    # `purge_after`. `id_floors` keeps ids of trashed things from being given to new rows, so a
    # restore brings everything back under the same ids.
    run_script(
        db,
        """
        CREATE TABLE trash (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('document', 'draft')),
            item_id INTEGER NOT NULL,
            title TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            sha256 TEXT NOT NULL DEFAULT '',
            workspace_id INTEGER,
            removed_by TEXT NOT NULL,
            removed_at TEXT NOT NULL,
            purge_after TEXT NOT NULL,
            payload TEXT NOT NULL,
            folder TEXT,
            UNIQUE (kind, item_id)
        );
        CREATE TABLE id_floors (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        )
        """,
    )


@migration
def m014_accounts(db: sqlite3.Connection) -> None:
    # Failed sign-ins per user name and per address (key "user:NAME" / "addr:IP"): after too many in
    # a window, sign-ins for that key wait until `locked_until` (seconds since the epoch).
    run_script(
        db,
        """
        CREATE TABLE sign_in_failures (
            key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            window_start REAL NOT NULL,
            locked_until REAL NOT NULL DEFAULT 0
        )
        """,
    )


@migration
def m015_generation(db: sqlite3.Connection) -> None:
    # A counter every change to what the indexes are built from moves (a chunk added, removed or
    # changed; a document's title or metadata, which the chunks' index header names), in the same
    # transaction, whichever process commits it: a `kb serve` sees that a `kb remove` run beside it
    # changed the KB and loads its indexes again (`KnowledgeBase._follow`).
    run_script(
        db,
        """
        CREATE TABLE generation (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            value INTEGER NOT NULL
        );
        INSERT INTO generation (id, value) VALUES (1, 0)
        """,
    )
    bump = "BEGIN UPDATE generation SET value = value + 1 WHERE id = 1; END"
    # One statement each (run_script splits on ';', which a trigger body holds).
    for name, when in (("chunks_added", "AFTER INSERT ON chunks"), ("chunks_removed", "AFTER DELETE ON chunks"),
                       ("chunks_changed", "AFTER UPDATE OF text, section, language ON chunks"),
                       ("documents_changed", "AFTER UPDATE OF title, metadata ON documents")):
        db.execute(f"CREATE TRIGGER generation_{name} {when} {bump}")


@migration
def m016_chunk_subsections(db: sqlite3.Connection) -> None:
    # Where in a chunk's text a later subsection begins ([[offset, heading path], ...]): a chunk packs a
    # section's small subsections together, and a part of it is cited under its own heading
    # (`kb.types.Chunk.section_of`). Chunks read before this have none (their first heading, as before)
    # until they are read again (chunker "5").
    db.execute("ALTER TABLE chunks ADD COLUMN subsections TEXT NOT NULL DEFAULT '[]'")
