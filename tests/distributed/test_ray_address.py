"""A Ray cluster that cannot be reached is refused with a clear error before any work: no job is
created, nothing is read or committed, and nothing silently runs locally instead."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kb import KnowledgeBase
from kb.cli import main


def test_unreachable_cluster_is_refused_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ray")
    doc = tmp_path / "in" / "a.md"
    doc.parent.mkdir()
    doc.write_text("# A\n\nYouth work.\n", "utf-8")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    home = tmp_path / "home"
    for command in (["add", str(doc)], ["reread"], ["reindex"]):
        code = main(["--home", str(home), "--embedder", "hash", *command, "--ray", f"127.0.0.1:{port}"])
        err = capsys.readouterr().err
        assert code == 2 and "Cannot reach the Ray cluster" in err and "Nothing was done" in err, err
    with KnowledgeBase(home, embedder="hash") as kb:
        assert kb.documents() == [] and kb.jobs.latest() == []


def test_the_environment_names_the_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("ray")
    monkeypatch.setenv("KB_RAY_ADDRESS", "127.0.0.1:1")
    doc = tmp_path / "a.md"
    doc.write_text("# A\n\nYouth work.\n", "utf-8")
    assert main(["--home", str(tmp_path / "home"), "--embedder", "hash", "add", str(doc)]) == 2
    assert "127.0.0.1:1" in capsys.readouterr().err
