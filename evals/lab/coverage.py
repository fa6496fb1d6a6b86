"""LAB: does the second encoder cover a query? (A query it does not cover gets no score from it.)

The catalog knows every chunk's language (langdetect on a whole chunk is reliable); a query's is a
guess below four words (STACK-NOTES). So: a query of 4+ words uses its detected language; a shorter
one is judged by its script, which for most uncovered languages is decisive (Devanagari, Greek,
Hebrew...), and a short Latin/Cyrillic/Arabic-script query is taken as covered: among the scripts'
languages the KB's users write, those are USE's (es, fr, de, pt, en, ru, ar).
"""

from __future__ import annotations

from index.embedders.usem3 import USE_LANGUAGES
from index.tokenizer import dominant_script

__all__ = ["COVERED_SCRIPTS", "query_covered"]

COVERED_SCRIPTS = frozenset({"latin", "cyrillic", "arabic", "han", "kana", "hangul", "thai"})


def query_covered(query: str, detected: str | None) -> bool:
    """Whether the second encoder gives this query a meaningful vector.

    Args:
        query: the query text.
        detected: its language when detected with confidence (4+ words, `kb.search.query_language`),
            else None.
    """
    if detected:
        return detected in USE_LANGUAGES
    script = dominant_script(query)
    return script is None or script in COVERED_SCRIPTS
