"""The reader's language first: the same content in several languages is shown once, in theirs.

Ranking is by content (a passage and its translation score alike, `index.hybrid`), so an Arabic
reader whose question's answer exists in Arabic and English may meet the English first. Here two
chunks in different languages that say the same thing ("translations") are folded into one group,
shown as its version in the reader's language when it has one, in the group's best place; the
others are listed "also in: English, p. 3", as copies are (`kb.searching.copies`).

The translation test (measured in docs/lab/encoder-and-ranking.md, section 4, on XQuAD paragraphs
0-119): the mean of the e5 and USE cosines >= 0.55 and the two cite the same numbers, or, citing
fewer than two numbers, the mean >= 0.65; where USE does not cover a language, the e5 cosine >=
0.5 (0.6 without numbers). XQuAD ar/de/en: 88 % of translation pairs found, no false pair in
85,000; the starter corpus (similar programmes written up in several languages, no translations):
no pair. The vectors come from the indexes; no model runs. Cost: < 30 x 30 dot products.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import numpy as np

__all__ = ["LANGUAGE_NAMES", "FOLD_LOOKAHEAD", "numbers_agree", "same_content", "fold_translations",
           "language_name"]

MEAN_THRESHOLD, SURE_THRESHOLD, E5_THRESHOLD = 0.55, 0.65, 0.5
FOLD_LOOKAHEAD = 3  # translations are looked for among the first 3 x k candidates, as copies are
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

# How a folded version is named on a card ("also in: English, ..."); one place until the UI's
# message catalogue (ui/i18n) reaches this branch.
LANGUAGE_NAMES = {
    "ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fr": "French", "it": "Italian",
    "nl": "Dutch", "pl": "Polish", "pt": "Portuguese", "ru": "Russian", "tr": "Turkish", "zh": "Chinese",
    "ja": "Japanese", "ko": "Korean", "th": "Thai", "hi": "Hindi", "el": "Greek", "ro": "Romanian",
    "vi": "Vietnamese",
}


def language_name(code: str | None) -> str:
    """A language's English name for a card, or its code when unknown."""
    return LANGUAGE_NAMES.get(str(code or ""), str(code or "?"))


def numbers_agree(a: str, b: str) -> bool | None:
    """Whether two texts cite the same numbers (Jaccard >= 0.5); None when they hold fewer than two.

    A translation keeps its numbers (years, counts, percentages); two documents about similar
    programmes in two languages usually do not.
    """
    na = {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(a)}
    nb = {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(b)}
    if len(na) + len(nb) < 2:
        return None
    return len(na & nb) / len(na | nb) >= 0.5


def same_content(
    e5: Mapping[int, np.ndarray], use: Mapping[int, np.ndarray], texts: Mapping[int, str],
) -> Callable[[int, int], bool]:
    """The translation test over chunk ids (see the module docstring).

    Args:
        e5: chunk id -> its dense vector.
        use: chunk id -> its USE vector, for chunks in a language USE covers.
        texts: chunk id -> its index text (for the number check).
    """

    def same(a: int, b: int) -> bool:
        if a not in e5 or b not in e5:
            return False
        cos = float(np.dot(e5[a], e5[b]))
        both = a in use and b in use
        score = (cos + float(np.dot(use[a], use[b]))) / 2 if both else cos
        low = MEAN_THRESHOLD if both else E5_THRESHOLD
        if score < low:
            return False
        agree = numbers_agree(texts.get(a, ""), texts.get(b, ""))
        return bool(agree) if agree is not None else score >= (SURE_THRESHOLD if both else low + 0.1)

    return same


def fold_translations(
    ranked: list[int], same: Callable[[int, int], bool], language: Mapping[int, str], reader: str, k: int,
) -> tuple[list[int], dict[int, list[int]]]:
    """Translations folded into groups, each shown as its reader's-language version.

    A chunk that `same` calls a translation of a group's first member, in a language the group does
    not hold yet, joins it; only the first `FOLD_LOOKAHEAD` x k candidates are looked at.

    Returns:
        (the ranking with each group in its best member's place, shown by its `reader` version when
        it has one, its other members taken out; {shown chunk id: the folded ids, in rank order}).
    """
    groups: list[list[int]] = []
    head = ranked[: FOLD_LOOKAHEAD * k]
    for cid in head:
        home = next((g for g in groups if all(language.get(m) != language.get(cid) for m in g) and same(g[0], cid)),
                    None)
        if home is not None:
            home.append(cid)
        else:
            groups.append([cid])
    folded: dict[int, list[int]] = {}
    order: list[int] = []
    for g in groups:
        shown = next((m for m in g if language.get(m) == reader), g[0])
        order.append(shown)
        if len(g) > 1:
            folded[shown] = [m for m in g if m != shown]
    return order + ranked[len(head):], folded
