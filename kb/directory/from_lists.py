"""Candidate entries from a document's list items, for directories written as lists instead of tables.

Two forms, as directory documents write them (Qasr al-Ward's page, Campo Lírio's "Atores por setor"):
- "• Name: what it offers" — a name-like label before the colon is the entry, the rest its description;
- "• Sector: Body A, Body B e Body C." — a sector before the colon, then the bodies of that sector, one
  candidate each (up to a relative clause: "..., que reúne ..."), each in its own sector when its name
  says one (a school board under "Public authorities" is education).
Every candidate quotes its item as the chunk holds it. Items that are sentences ("The Center runs ...")
give none: a person adds those from the search card.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from kb.directory.folding import fold
from kb.directory.names import is_name_like
from kb.directory.records import Candidate, Entry, Source
from kb.directory.sectors import SERVICE_WORDS, _has, body_sector, kind_of_name, sector_of_body, sector_value
from kb.types import Chunk

__all__ = ["list_candidates"]

_ITEM = re.compile(r"^\s*(?:•|\d{1,3}\.)\s+(.+)$")
_PIECES = re.compile(r"\s*(?:[,;،؛]|\s(?:e|and|y|et|und|ou|or|o)\s|\sو)\s*")
_RELATIVE = {"que", "qui", "which", "who", "that", "die", "der", "das", "الذي", "التي", "الذين"}
_PROGRAMME_WORDS = ("programme", "program", "programa", "programm", "projet", "project", "projeto", "proyecto",
                    "campaign", "campanha", "campaña", "campagne", "برنامج", "مشروع", "حملة")
_PARENS = re.compile(r"\s*\([^)]*\)")

SourceFor = Callable[[Chunk, str], Source]  # (chunk, the item's text) -> its source


def _kind(name: str) -> str:
    """A listed body is an organisation unless its name says service or programme."""
    if _has(name, _PROGRAMME_WORDS):
        return "programme"
    return "service" if _has(name, SERVICE_WORDS) or kind_of_name(name) == "service" else "organisation"


def _bodies(text: str) -> list[str]:
    """The bodies a sector's item lists: split at commas and "and", stopping at a relative clause."""
    out: list[str] = []
    for piece in _PIECES.split(_PARENS.sub("", text).strip().rstrip(".")):
        words = piece.split()
        if not words:
            continue
        if fold(words[0]) in _RELATIVE:
            break
        if not words[0][:1].isupper() and not re.match("[\u0600-\u06ff]", words[0]):
            # "secretarias de Educação": a shared head before the body's own name; keep the name
            caps = [i for i, w in enumerate(words) if w[:1].isupper()]
            if not caps:
                continue
            words = words[caps[0]:]
        while len(words) > 1 and words[-1][:1].islower() and not re.match("[\u0600-\u06ff]", words[-1]):
            words = words[:-1]  # "Movimento Negro Unificado local": the name ends at its last capital
        out.append(" ".join(words))
    return out


def list_candidates(chunks: Sequence[Chunk], city: str, source_for: SourceFor) -> list[Candidate]:
    """The candidates of a document's list items (see the module's docstring), in reading order."""
    out: list[Candidate] = []
    for chunk in chunks:
        for line in chunk.text.split("\n"):
            m = _ITEM.match(line)
            if not m or ":" not in m.group(1):
                continue
            item = m.group(1).strip()
            label, rest = (part.strip() for part in item.split(":", 1))
            if not label or not rest or len(label.split()) > 8:
                continue
            source = source_for(chunk, item)
            origin = f"list item “{label}”"
            sector = sector_value(label, exact=True)
            if sector:
                for name in _bodies(rest):  # bodies, unless a name says programme
                    kind = "programme" if _has(name, _PROGRAMME_WORDS) else "organisation"
                    out.append(Candidate(Entry(name, kind=kind, sector=body_sector(name) or sector,
                                               city=city, sources=(source,)), origin))
            elif is_name_like(label):
                out.append(Candidate(Entry(label, kind=_kind(label), sector=sector_of_body(label), city=city,
                                           description=rest, sources=(source,)), origin))
    return out
