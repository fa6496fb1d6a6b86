"""Run `read_document` on one file in a fresh process under an address-space limit; print JSON.

Used by the hardening tests (not collected by pytest: the name has no `test_` prefix). A separate
process means a parser that segfaults, hangs or balloons cannot take the test run down with it,
and its peak RSS and bytes read are its own.

    python isolated_read.py PATH MAX_BYTES LIMIT_BYTES
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _bytes_read() -> int:
    """Bytes this process has read through read(2) and friends (Linux /proc/self/io `rchar`)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return -1


def _peak_rss_mb() -> float:
    """VmHWM: this process image's peak RSS. (ru_maxrss would carry over the parent's peak across exec.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return -1.0


def main() -> None:
    path, max_bytes, limit = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from ingest import IngestError, read_document

    before = _bytes_read()
    started = time.monotonic()
    out: dict[str, object]
    try:
        doc = read_document(path, max_bytes=max_bytes)
        out = {
            "status": "ok",
            "format": doc.format,
            "title": doc.title,
            "text": doc.text[:5000],
            "blocks": len(doc.blocks),
            "notes": doc.notes,
        }
    except IngestError as err:
        out = {"status": "error", "code": err.code, "message": str(err)}
    except BaseException as err:  # anything else escaping is the finding the test reports
        out = {"status": "escaped", "type": type(err).__name__, "message": str(err)[:500]}
    out["seconds"] = round(time.monotonic() - started, 3)
    out["read_bytes"] = _bytes_read() - before
    out["maxrss_mb"] = _peak_rss_mb()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
