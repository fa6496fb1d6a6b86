"""The XQuAD files and the ids their paragraphs get in a pool.

XQuAD (240 paragraphs and their questions, the same in 12 languages) is read here for everything that
uses it: the benchmark (`evals.xquad`), the ranking lab (`evals.lab`) and the language basis
(`evals.language_basis`). It is apart from the benchmark so those can read the data and share the
id scheme without the benchmark's pools and command line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["LANGS", "XQuAD", "load_xquad", "_doc_id", "_id_language"]  # ids: for XQuAD code only

LANGS = ("ar", "de", "el", "en", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh")
_ID_STRIDE = 10_000  # chunk id = language index * stride + paragraph index


@dataclass
class XQuAD:
    """One language's file: paragraphs, and questions with the index of their paragraph."""

    lang: str
    paragraphs: list[str]
    questions: list[str]
    paragraph_of: list[int]


def load_xquad(data_dir: Path, lang: str, limit: int | None = None, start: int = 0) -> XQuAD:
    """Read xquad.LANG.json.

    Args:
        data_dir: folder with the xquad.*.json files.
        lang: a code from LANGS.
        limit: keep only `limit` paragraphs (and their questions).
        start: skip the first `start` paragraphs (the held-out half is 120-239: tuning used 0-119).

    Returns:
        The parsed file.
    """
    data = json.loads((Path(data_dir) / f"xquad.{lang}.json").read_text("utf-8"))
    out = XQuAD(lang, [], [], [])
    seen = 0
    for article in data["data"]:
        for para in article["paragraphs"]:
            seen += 1
            if seen <= start:
                continue
            if limit is not None and len(out.paragraphs) >= limit:
                return out
            out.paragraphs.append(para["context"])
            for qa in para["qas"]:
                out.questions.append(qa["question"])
                out.paragraph_of.append(len(out.paragraphs) - 1)
    return out


def _doc_id(lang: str, paragraph: int) -> int:
    return LANGS.index(lang) * _ID_STRIDE + paragraph


def _id_language(ids: np.ndarray) -> list[str]:
    return [LANGS[int(i) // _ID_STRIDE] for i in np.asarray(ids).tolist()]
