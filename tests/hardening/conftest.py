"""Fixtures for the hardening tests: isolated reads with limits, and a sandbox that sees stray writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("isolated_read.py")
ADDRESS_SPACE_LIMIT = 1536 * 2**20  # 1.5 GB: a bomb that tries to inflate hits MemoryError, not the host
MAX_RSS_MB = 500  # peak resident memory any single hostile read may use
PEAKS: dict[str, float] = {}  # case -> peak RSS (MB), printed at the end of the session
FUZZ_COUNTS: dict[str, int] = {}  # fuzz target -> examples run, printed at the end of the session


def tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` with its size and mtime, to detect writes."""
    out: dict[str, tuple[int, int]] = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            p = Path(dirpath) / name
            st = p.lstat()
            out[str(p.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return out


@pytest.fixture
def read_isolated(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """Read a file in a subprocess (1.5 GB address-space limit, own TMPDIR and cwd, time bound).

    Returns a function(path, case, max_bytes=100 MB, timeout=30) -> the child's JSON result. It
    fails the test when the child crashes, hangs or prints no result, and checks that the child
    wrote nothing to its temp folder or working directory.
    """
    scratch = tmp_path / "child-scratch"
    scratch.mkdir()

    def run(path: Path, case: str, *, max_bytes: int = 100 * 2**20, timeout: float = 30) -> dict[str, Any]:
        env = {**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": str(REPO)}
        cmd = [sys.executable, str(RUNNER), str(path), str(max_bytes), str(ADDRESS_SPACE_LIMIT)]
        try:
            proc = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{case}: read_document({path.name}) did not return within {timeout:g}s")
        assert proc.returncode == 0, (
            f"{case}: the reader process died ({proc.returncode}): {proc.stderr[-2000:]!r}"
        )
        lines = proc.stdout.decode().strip().splitlines()
        assert lines, f"{case}: no result; stderr: {proc.stderr[-2000:]!r}"
        result: dict[str, Any] = json.loads(lines[-1])
        PEAKS[case] = result["maxrss_mb"]
        assert result["status"] != "escaped", (
            f"{case}: {result['type']} escaped read_document: {result['message']}"
        )
        assert result["maxrss_mb"] < MAX_RSS_MB, f"{case}: peak RSS {result['maxrss_mb']} MB"
        assert not list(scratch.iterdir()), f"{case}: the reader wrote {list(scratch.iterdir())}"
        return result

    return run


class Sandbox:
    """Folders for one hostile-input test: inputs, the KB home, an outside folder, a private temp."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.inputs, self.home, self.outside, self.tmp = (
            root / n for n in ("inputs", "home", "outside", "tmp")
        )
        for p in (self.inputs, self.home, self.outside, self.tmp):
            p.mkdir(parents=True)
        self._frozen: dict[str, dict[str, tuple[int, int]]] | None = None

    def freeze(self) -> None:
        """Record the inputs and the outside folder; teardown fails if either changed."""
        self._frozen = {"inputs": tree(self.inputs), "outside": tree(self.outside)}

    def verify(self) -> None:
        if self._frozen is not None:
            assert tree(self.inputs) == self._frozen["inputs"], "the input folder was modified"
            assert tree(self.outside) == self._frozen["outside"], "a folder outside the KB home was modified"
        assert not list(self.tmp.iterdir()), f"left in the temp folder: {list(self.tmp.iterdir())}"
        stray = {p.name for p in self.root.iterdir()} - {"inputs", "home", "outside", "tmp"}
        assert not stray, f"written beside the KB home: {stray}"


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """A Sandbox whose checks run after the test: nothing may change outside the KB home.

    `tempfile` is pointed at the sandbox's private temp folder, so a temp file that a reader or the
    KB leaves behind is seen.
    """
    box = Sandbox(tmp_path / "sandbox")
    monkeypatch.setenv("TMPDIR", str(box.tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(box.tmp))
    yield box
    box.verify()


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A .docx that inflates to 1 GiB, built once per session (deflating 1 GiB takes a few seconds)."""
    from evals.hostile_inputs import zip_bomb_docx

    return zip_bomb_docx(tmp_path_factory.mktemp("bomb") / "report.docx")


@pytest.fixture(scope="session")
def fuzz_counts() -> dict[str, int]:
    """Examples run per fuzz target, for the session summary."""
    return FUZZ_COUNTS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FUZZ_COUNTS:
        terminalreporter.write_line(
            "fuzz examples run: " + ", ".join(f"{name} {n}" for name, n in sorted(FUZZ_COUNTS.items()))
        )
    if PEAKS:
        terminalreporter.write_line(
            "hostile reads, peak RSS per case (MB): "
            + ", ".join(f"{case} {mb:g}" for case, mb in sorted(PEAKS.items()))
        )
