"""English sentences and their translations, read from the machine's gettext catalogues.

Debian installs the translated messages of its programs under `/usr/share/locale/LANG/LC_MESSAGES/
*.mo`: thousands of English user-interface sentences with human translations into dozens of
languages. For French and Portuguese, which XQuAD lacks, they are the parallel text on this
machine; `evals.language_basis` uses them to measure each language's direction in the embedding
space. Only the derived basis is committed, never the text.

The .mo format is read directly (a header, two tables of (length, offset) pairs, and the strings),
rather than through `gettext`'s private catalogue dict.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

__all__ = ["LOCALE_DIR", "read_mo", "parallel_messages"]

LOCALE_DIR = Path("/usr/share/locale")
_MAGIC = {0x950412DE: "<", 0xDE120495: ">"}
_WORD = re.compile(r"[^\W\d_]{2,}")


def read_mo(path: Path) -> dict[str, str]:
    """Singular, context-free messages of one .mo file: {English msgid: translation}.

    Args:
        path: a compiled gettext catalogue.

    Returns:
        The messages; an unreadable or malformed file gives {} (catalogues are a best-effort source).
    """
    data = path.read_bytes()
    if len(data) < 20:
        return {}
    order = _MAGIC.get(struct.unpack("<I", data[:4])[0])
    if order is None:
        return {}
    _, count, orig_at, trans_at = struct.unpack(order + "4I", data[4:20])
    out: dict[str, str] = {}
    try:
        for i in range(count):
            olen, ooff = struct.unpack(order + "2I", data[orig_at + 8 * i : orig_at + 8 * i + 8])
            tlen, toff = struct.unpack(order + "2I", data[trans_at + 8 * i : trans_at + 8 * i + 8])
            msgid = data[ooff : ooff + olen].decode("utf-8")
            if not msgid or "\x00" in msgid or "\x04" in msgid:  # header, plural or context entries
                continue
            out[msgid] = data[toff : toff + tlen].decode("utf-8")
    except (struct.error, UnicodeDecodeError):
        return {}
    return out


def _usable(msgid: str, translation: str) -> bool:
    """A plain sentence of six words or more, translated (not copied), without placeholders."""
    if not translation or translation == msgid or len(msgid) > 300:
        return False
    if any(c in msgid + translation for c in "%{}\n\t_&<>"):
        return False
    return len(_WORD.findall(msgid)) >= 6


def parallel_messages(lang: str, locale_dir: Path = LOCALE_DIR, limit: int = 800) -> list[tuple[str, str]]:
    """(English, translation) pairs for one language, deterministic and at most `limit`.

    Args:
        lang: a locale folder name ("fr", "pt"); "pt" also reads "pt_BR" (first found wins).
        locale_dir: where the catalogues are.
        limit: cap, to bound embedding time (pairs are taken in sorted English order, spread out).

    Returns:
        Pairs sorted by the English message.
    """
    folders = [lang] + sorted(p.name for p in locale_dir.glob(f"{lang}_*"))
    found: dict[str, str] = {}
    for folder in folders:
        for mo in sorted((locale_dir / folder / "LC_MESSAGES").glob("*.mo")):
            for msgid, text in read_mo(mo).items():
                if msgid not in found and _usable(msgid, text):
                    found[msgid] = text
    pairs = sorted(found.items())
    if len(pairs) > limit:
        step = len(pairs) / limit
        pairs = [pairs[int(i * step)] for i in range(limit)]
    return pairs
