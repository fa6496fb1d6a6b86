"""The most name-like span of a sentence: what "Add to directory" offers as the entry's name.

Rules, in the order they are trusted:
1. a quoted span ("Barrios que Cuidan", „NetzKlar", برنامج "جسور") is the name;
2. a short label before a colon is the name ("جمعية سند ...: ...", "Turning Point: ..."), unless it is a
   sector or a label ("Sociedade civil:", "Contact:"), when the name is looked for after the colon;
3. otherwise the best of: runs of capitalised words joined by "de", "of", "und" ... ("Observatorio de
   Convivencia de la Universidad del Caribe Ciénaga"), a capitalised head noun carried on to the next
   capitalised word ("Conseil des convictions de Hautmarais"), a lower-case head noun with what follows it
   ("servicio de mediación vecinal", "groupe de pilotage local"), an Arabic head noun and its complements
   ("لجنة العيش المشترك"). A run holding a head noun (Council, Mesa, Fachstelle) beats one that does not;
   people (after Mme, Dr ...), months, addresses and the city itself are never names; the word that opens a
   sentence counts only with others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kb.directory.folding import fold
from kb.directory.name_words import (
    ADDRESS_WORDS,
    ARABIC_HEADS,
    ARABIC_STOPS,
    CONNECTORS,
    DE_PREPOSITIONS,
    FUNCTION_WORDS,
    HEAD_SUFFIXES,
    HEADS,
    LABELS,
    MONTHS,
    STOP_WORDS,
    TITLES,
)
from kb.directory.sectors import sector_value

__all__ = ["suggest_name", "name_spans", "is_name_like", "Span"]

_QUOTED = re.compile(r"[“\"„«‹]\s*([^“”\"„«»‹›\n]{1,80}?)\s*[”\"“»›]")
_TOKEN = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*\+?")
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]“”\"„«»‹›،؛]|\s[–—-]\s|\n")
_ARABIC = re.compile("[\u0600-\u06ff]")
_BULLET = re.compile(r"^\s*(?:[•\-*]|\d+[.)])\s+")


@dataclass(frozen=True)
class Span:
    """A candidate name: where it is in the text, and how name-like it is."""

    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class _Tok:
    start: int
    end: int
    text: str
    folded: str
    sentence_start: bool

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()

    @property
    def number(self) -> bool:
        return self.text.isdigit()

    @property
    def head(self) -> bool:
        f = self.folded
        return f in HEADS or (len(f) > 6 and f.endswith(HEAD_SUFFIXES))


def _tokens(text: str, start: int, end: int) -> list[list[_Tok]]:
    """The words of text[start:end], grouped by clause (punctuation breaks a name)."""
    clauses: list[list[_Tok]] = [[]]
    pos = start
    sentence_start = True
    for m in _TOKEN.finditer(text, start, end):
        gap = text[pos:m.start()]
        if _CLAUSE_BREAK.search(gap):
            clauses.append([])
            if re.search(r"[.!?:\n]", gap):
                sentence_start = True
        clauses[-1].append(_Tok(m.start(), m.end(), m.group(0), fold(m.group(0)), sentence_start))
        sentence_start = False
        pos = m.end()
    return [c for c in clauses if c]


def _capitalised_runs(clause: list[_Tok]) -> Iterable[tuple[int, int]]:
    """(first, last) token indexes of runs of capitalised words, numbers and connectors between them."""
    i = 0
    while i < len(clause):
        tok = clause[i]
        if not tok.cap or tok.folded in MONTHS:
            i += 1
            continue
        last, j = i, i + 1
        while j < len(clause):
            t = clause[j]
            if (t.cap and t.folded not in MONTHS) or (t.number and last == j - 1):
                last, j = j, j + 1
            elif t.folded in CONNECTORS and j - last <= 2:
                j += 1
            else:
                break
        yield i, last
        i = last + 1


def _carried(clause: list[_Tok], first: int, last: int, lower_head: bool) -> int:
    """How far a head noun's name goes on: through "de"-phrases and adjectives, to a capitalised word
    when one follows within a few words ("Conseil des convictions de Hautmarais"), else to the clause's
    end or a word that starts something else (a verb, a conjunction, a new article)."""
    end = last
    j = last + 1
    after_prep = False
    while j < len(clause) and j - last <= 6:
        t = clause[j]
        if t.cap and not after_prep and not lower_head:
            break
        if t.cap:
            end = j
            break
        if t.folded in DE_PREPOSITIONS or t.folded.startswith(("d'", "d’")):
            after_prep = True
        elif t.folded in STOP_WORDS and not (after_prep and t.folded in ("la", "le", "les", "l", "a", "o", "os")):
            break
        else:
            after_prep = t.folded.startswith(("d'", "d’", "l'", "l’"))
            if lower_head:
                end = j
        j += 1
    if not lower_head:
        return end
    while end > first and (clause[end].folded in DE_PREPOSITIONS or clause[end].folded in STOP_WORDS):
        end -= 1
    return end


def _after_title(text: str, start: int) -> bool:
    """Whether the word just before `start` is a title (Mme, Dr., Herr): what follows is a person."""
    before = _TOKEN.findall(text[max(0, start - 12):start])
    return bool(before) and fold(before[-1]).rstrip(".") in TITLES


def _bad(text: str, clause: list[_Tok], first: int, last: int, cities: set[str]) -> bool:
    words = [t.folded for t in clause[first:last + 1]]
    if _after_title(text, clause[first].start) or any(w.rstrip(".") in TITLES for w in words):
        return True  # a person
    if words[0] in ADDRESS_WORDS or words[0] in ADDRESS_WORDS or (len(words) > 1 and words[1] in ADDRESS_WORDS):
        return True
    return " ".join(words) in cities or any(w in MONTHS for w in words)


def _latin_spans(text: str, clause: list[_Tok], cities: set[str]) -> Iterable[Span]:
    for first, last in _capitalised_runs(clause):
        while first < last and clause[first].sentence_start and clause[first].folded in FUNCTION_WORDS:
            first += 1
        while last > first and clause[last].folded in CONNECTORS:
            last -= 1
        if clause[first].folded in FUNCTION_WORDS and clause[first].sentence_start:
            continue
        if _bad(text, clause, first, last, cities):
            continue
        size = sum(1 for t in clause[first:last + 1] if t.cap or t.number)
        has_head = any(t.head for t in clause[first:last + 1])
        if size == 1 and clause[first].head and not clause[first].folded.endswith(HEAD_SUFFIXES):
            carried = _carried(clause, first, last, lower_head=False)
            if carried > last:
                last, size = carried, 2
        score = (60 if has_head else 50) + size if size > 1 else (35 if has_head else 20)
        if clause[first].sentence_start and size == 1:
            score = 10
        yield Span(clause[first].start, clause[last].end, text[clause[first].start:clause[last].end], score)
    for i, tok in enumerate(clause):
        if tok.cap or tok.folded not in HEADS or (i and clause[i - 1].folded in ("the", "a", "an")):
            continue
        if i + 1 < len(clause) and clause[i + 1].cap and clause[i + 1].folded not in FUNCTION_WORDS:
            # "the project Juventude Ativa", "la asociación Mujeres en Red": the name is in apposition
            run = next(((a, b) for a, b in _capitalised_runs(clause[i + 1:]) if a == 0), None)
            if run is not None:
                a, b = i + 1, i + 1 + run[1]
                if not _bad(text, clause, a, b, cities):
                    size = sum(1 for t in clause[a:b + 1] if t.cap or t.number)
                    yield Span(clause[a].start, clause[b].end, text[clause[a].start:clause[b].end], 70 + size)
                continue
        last = _carried(clause, i, i, lower_head=True)
        # a lower-case name is a head with a "de" phrase ("cellule municipale de suivi"); English puts its
        # head last ("victim services coordinator"), which this does not read
        if last > i and any(t.folded in DE_PREPOSITIONS or t.folded.startswith(("d'", "d’"))
                            for t in clause[i + 1:last + 1]):
            proper = any(t.cap for t in clause[i:last + 1])
            yield Span(tok.start, clause[last].end, text[tok.start:clause[last].end], 55 if proper else 30)


def _arabic_spans(text: str, clause: list[_Tok]) -> Iterable[Span]:
    for i, tok in enumerate(clause):
        if tok.folded not in ARABIC_HEADS:
            continue  # a head with the article ("البرنامج") refers back to something already named
        last = i
        while last + 1 < len(clause) and last - i < 5 and clause[last + 1].folded not in ARABIC_STOPS:
            last += 1
        if last > i:
            yield Span(tok.start, clause[last].end, text[tok.start:clause[last].end], 40)


def is_name_like(label: str) -> bool:
    """Whether a short label reads as a name: an Arabic head noun first, a capitalised word past the
    first, or a head noun first ("Turning Point", "جمعية سند", "Observatorio ..."), and not a sector."""
    if sector_value(label, exact=True) or fold(label) in LABELS:
        return False
    label = re.sub(r"[“”\"„«»‹›]", " ", label)  # a quoted name inside the label: برنامج "فرصة" للإدماج
    clauses = _tokens(label, 0, len(label))
    if len(clauses) != 1 or len(clauses[0]) > 8:
        return False
    words = clauses[0]
    return words[0].folded in ARABIC_HEADS or words[0].head or any(t.cap and not t.sentence_start for t in words)


def name_spans(text: str, cities: Iterable[str] = ()) -> list[Span]:
    """Every candidate name in `text`, best first (ties: the earlier)."""
    known = {fold(c) for c in cities if c}
    spans = [Span(m.start(1), m.end(1), m.group(1), 100) for m in _QUOTED.finditer(text)
             if 1 <= len(m.group(1).split()) <= 8]
    bullet = _BULLET.match(text)
    start = bullet.end() if bullet else 0
    colon = text.find(":", start)
    colon = colon if colon >= 0 else text.find("：", start)
    if colon > 0 and len(text[start:colon].split()) <= 6:
        label = text[start:colon].strip()
        if sector_value(label, exact=True) or fold(label) in LABELS:
            start = colon + 1  # "Universidade: Universidade Comunitária do Vale" -> look after it
        elif is_name_like(label):
            spans.append(Span(text.find(label, start), text.find(label, start) + len(label), label, 90))
    for clause in _tokens(text, start, len(text)):
        if _ARABIC.search(clause[0].text):
            spans.extend(_arabic_spans(text, clause))
        else:
            spans.extend(_latin_spans(text, clause, known))
    return sorted(spans, key=lambda s: (-s.score, s.start))


# A lone capitalised word that opens a sentence ("Residents meet ...") is not offered as a name.
MIN_SCORE = 11


def suggest_name(text: str, cities: Iterable[str] = ()) -> str:
    """The most name-like span of a sentence (or of a short excerpt), as written; "" when none.

    Args:
        text: the highlighted sentence(s) of a search card, or a selection.
        cities: city names the knowledge base knows (the city is never the entry's name).
    """
    spans = name_spans(text, cities)
    return " ".join(spans[0].text.split()) if spans and spans[0].score >= MIN_SCORE else ""
