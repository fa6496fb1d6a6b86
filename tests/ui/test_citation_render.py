"""A citation mixes scripts (an Arabic title, a Latin city and section, page numbers): each of its parts
is shown in a <bdi>, reading in its own direction, with the separators between them in the page's.
The words are those a card writes in the page language, and everything in it stays escaped (no browser needed)."""

from __future__ import annotations

import html
import re

from kb.directory import RosterMember, Source
from kb.directory.roster import ExpectedSector, SectorCheck
from kb.drafting.drafts import Draft, DraftItem
from kb.drafting.framework import Section
from kb.drafting.records import DraftSection
from kb.searching.citations import citation, citation_parts
from kb.types import Chunk, Copy, Document, Hit
from ui.cards import citation_text, result_cards
from ui.directory_render import group_view, source_html
from ui.i18n import t
from ui.reader import reader_html
from ui.render import draft_view
from ui.render_base import said, stored_citation

TITLE = "خطة الوقاية المحلية"
SCRIPT = "<script>alert(1)</script>"


def text_of(markup: str) -> str:
    """What a browser shows of some markup (its text, tags out, entities read)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def one(markup: str, pattern: str) -> str:
    found = re.search(pattern, markup, re.S)
    assert found, (pattern, markup)
    return found.group(0)


def hit(**kw: object) -> Hit:
    base: dict[str, object] = dict(chunk_id=7, doc_id=1, title=TITLE, city="Lyon", country="FR", source="plan.md",
                                   page=3, section=("Referral panel", "Intake"), language="ar", text="نص.", score=1.0,
                                   year=2024)
    base.update(kw)
    base.setdefault("citation", stored(**{k: base[k] for k in ("title", "city", "country", "year", "page", "section")}))
    return Hit(**base)  # type: ignore[arg-type]


def stored(title: str, city: str | None, country: str | None, year: object, page: int | None,
           section: tuple[str, ...], ocr: bool = False) -> str:
    """The citation kb stores for such a passage (as at search and pin time)."""
    meta = {k: v for k, v in (("city", city), ("country", country), ("year", year)) if v}
    doc = Document(1, "0" * 64, "plan.md", title, "ar", "markdown", meta, "ready", "", "",
                   ocr={"pages": {str(page): {}}} if ocr else None)
    return citation(doc, Chunk(7, 1, 0, "نص.", page, section, 0, 4, "ar"))


def test_a_cards_citation_isolates_each_part_with_the_separators_in_the_pages_direction() -> None:
    cards = result_cards([hit()], lambda _: None, "ar")
    cited = one(cards, r'<p class="kb-citation" dir="rtl">.*?</p>')
    assert cited == ('<p class="kb-citation" dir="rtl"><bdi>خطة الوقاية المحلية</bdi> — <bdi>Lyon</bdi>، '
                     "<bdi>فرنسا</bdi> (<bdi>2024</bdi>)، <bdi>ص 3</bdi>، § <bdi>Referral panel</bdi> › "
                     "<bdi>Intake</bdi></p>")
    assert text_of(cited) == citation_text(hit(), "ar")  # the words are the citation's, unchanged
    # the header's place and section path too
    assert '<span class="kb-where" dir="rtl">ص 3 · § <bdi>Referral panel</bdi> › <bdi>Intake</bdi></span>' in cards
    assert "<bdi>Lyon</bdi>، فرنسا · 2024" in cards
    en = result_cards([hit()], lambda _: None, "en")
    assert '<p class="kb-citation" dir="ltr"><bdi>خطة الوقاية المحلية</bdi> — <bdi>Lyon</bdi>, <bdi>France</bdi>' in en


def test_a_cards_citation_stays_escaped() -> None:
    evil = hit(title=SCRIPT, city="<b>c</b>", section=("<img src=x onerror=alert(1)>",), also_in=["<i>copy</i>"])
    cards = result_cards([evil], lambda _: None, "ar")
    assert "<script>" not in cards and "<img" not in cards and "<b>" not in cards and "<i>" not in cards
    assert "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi> — <bdi>&lt;b&gt;c&lt;/b&gt;</bdi>" in cards
    assert "§ <bdi>&lt;img src=x onerror=alert(1)&gt;</bdi>" in cards
    # another copy's citation has no parts: isolated whole, in the page's sentence
    also = one(cards, r'<p class="kb-citation kb-also" dir="rtl">.*?</p>')
    assert "<bdi>&lt;i&gt;copy&lt;/i&gt;</bdi>" in also and text_of(also).endswith("<i>copy</i>")


def test_also_in_cites_the_copy_as_the_card_cites_its_own_passage() -> None:
    """QA, Spanish card: the citation said "pág. 1 (OCR)", the line under it "También en: …, p. 1 (OCR)"."""
    cite = stored("Mesa de convivencia de San Telmo", None, "AR", None, 1, (), ocr=True)
    copy = Copy(cite, "Mesa de convivencia de San Telmo", country="AR", page=1, ocr=True)
    translated = Copy("Plan — Lyon", "Plan", city="Lyon", language="fr")
    card = result_cards([hit(ocr=True, copies=[copy, translated], also_in=[cite, f"French, {translated.citation}"])],
                        lambda _: None, "es")
    also = re.findall(r'<p class="kb-citation kb-also" dir="ltr">.*?</p>', card)
    assert also[0] == ('<p class="kb-citation kb-also" dir="ltr">También en: <bdi>Mesa de convivencia de San Telmo</bdi>'
                       " — <bdi>Argentina</bdi>, <bdi>pág. 1 (OCR)</bdi></p>")
    assert f"<bdi>{t('es', 'card.page_ocr', page='3')}</bdi>" in card.split("kb-also")[0]  # as the card's own says it
    assert text_of(also[1]) == "También en: francés, Plan — Lyon"  # a translation's language named in Spanish
    arabic = result_cards([hit(copies=[copy], also_in=[cite])], lambda _: None, "ar")
    assert "<bdi>Mesa de convivencia de San Telmo</bdi> — <bdi>الأرجنتين</bdi>، <bdi>ص 1 (OCR)</bdi>" in arabic


def item(cite: str, **meta: object) -> DraftItem:
    base = {"title": TITLE, "city": "Lyon", "country": "FR", "year": 2024, "section": ["Referral panel", "Intake"],
            "language": "ar"}
    base.update(meta)
    return DraftItem(1, 1, "leadership", 0, "excerpt", "نص.", cite, 7, 1, "plan.md", 3, base, "")


def drawn(*items: DraftItem) -> str:
    section = Section("leadership", "Leadership group", "Who leads.", ())
    draft = Draft(1, "Lyon", "Plan", "", "", "Framework", [DraftSection(section, list(items))])
    return draft_view(draft, lang="ar")


def test_a_pinned_citation_is_shown_in_the_page_language_as_a_card_writes_it_its_parts_isolated() -> None:
    """The draft said "FR", "p. 3" where the card beside it said "فرنسا", "ص 3"."""
    cite = stored(TITLE, "Lyon", "FR", 2024, 3, ("Referral panel", "Intake"), ocr=True)
    assert cite == "خطة الوقاية المحلية — Lyon, FR (2024), p. 3 (OCR), § Referral panel › Intake"
    cited = one(drawn(item(cite)), r'<p class="kb-citation" dir="rtl">.*?</p>')
    page = t("ar", "card.page_ocr", page="3")
    assert cited == ('<p class="kb-citation" dir="rtl"><bdi>خطة الوقاية المحلية</bdi> — <bdi>Lyon</bdi>، '
                     f"<bdi>فرنسا</bdi> (<bdi>2024</bdi>)، <bdi>{page}</bdi>، § <bdi>Referral panel</bdi> › "
                     "<bdi>Intake</bdi></p>")
    assert text_of(cited) == citation_text(hit(ocr=True, citation=cite), "ar")  # as its card says it


def test_a_citation_its_record_does_not_build_is_isolated_whole_with_the_parts_found_in_it() -> None:
    # given by hand, or stored in an older form: no splitting on commas (a title may hold one)
    cite = "Plan, part 2 (Lyon) — Intake, p. 3"
    shown = stored_citation(cite, "Plan, part 2", "Lyon", None, None, 3, ("Intake",))
    assert shown == "<bdi><bdi>Plan, part 2</bdi> (<bdi>Lyon</bdi>) — Intake, <bdi>p. 3</bdi></bdi>"
    assert text_of(shown) == cite
    odd = drawn(item(f"{SCRIPT} — Lyon", title=SCRIPT), item("Cite A", title="Plan"))
    assert "<script>" not in odd and "<bdi><bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi> — <bdi>Lyon</bdi></bdi>" in odd
    assert "<bdi>Cite A</bdi>" in odd
    # an item stored before its meta kept the parts
    assert "<bdi>Cite B</bdi>" in drawn(DraftItem(2, 1, "leadership", 1, "excerpt", "x", "Cite B", None, None, None,
                                                  None, {}, ""))


def test_a_directory_source_and_a_groups_example_isolate_their_citations_parts() -> None:
    cite = stored("Youth outreach guide", "Saint-Denis", "FR", 2022, None, ("الإحالة والمتابعة", "المدارس"))
    source = Source(document="guide.md", quote="q", title="Youth outreach guide", section=("الإحالة والمتابعة", "المدارس"),
                    citation=cite, meta={"city": "Saint-Denis", "country": "FR", "year": 2022})
    cited = one(source_html(source, "ar"), r'<span class="kb-citation" dir="rtl">.*?</span>')
    assert cited == ('<span class="kb-citation" dir="rtl"><bdi>Youth outreach guide</bdi> — <bdi>Saint-Denis</bdi>، '
                     "<bdi>فرنسا</bdi> (<bdi>2022</bdi>)، § <bdi>الإحالة والمتابعة</bdi> › <bdi>المدارس</bdi></span>")
    bare = source_html(Source(document=f"{SCRIPT}.md", quote="q"), "ar")
    assert "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;.md</bdi>" in bare and "<script>" not in bare
    check = SectorCheck(ExpectedSector("police", "the police", "police"), excerpts=[hit()])
    group = group_view("Group", [], [check], "ar", can_edit=False, guidance={"title": "Guide", "page": 4})
    example = one(group, r'<span class="kb-citation" dir="rtl">.*?</span>')
    assert example.startswith('<span class="kb-citation" dir="rtl"><bdi>خطة الوقاية المحلية</bdi> — <bdi>Lyon</bdi>، ')
    assert text_of(example) == citation_text(hit(), "ar")


def test_latin_values_in_an_arabic_sentence_read_in_their_own_direction() -> None:
    """QA, Arabic page: the quoted guidance's marks landed in the wrong places («education, …»), the download
    link read "(تنزيل الأصل (network-ar-landscape-mapping.md": each value a sentence names is isolated."""
    quote = "education, public health and social services"
    check = SectorCheck(ExpectedSector("education", quote, "schools"), excerpts=[hit()])
    seated = SectorCheck(ExpectedSector("police", "the police", "police"), [RosterMember("Prefecture <de> police", "police")])
    group = group_view("Group", [], [check, seated], "ar", can_edit=False,
                       guidance={"title": "Network guidance: forming a group", "page": 2})
    assert f"«<bdi>{quote}</bdi>»" in group
    assert "<bdi>Network guidance: forming a group</bdi>" in group
    assert "<bdi>Prefecture &lt;de&gt; police</bdi>" in group  # escaped as before
    doc = Document(1, "0" * 64, "network-ar-landscape-mapping.md", TITLE, "ar", "markdown", {}, "ready", "", "")
    shown = reader_html(doc, [Chunk(7, 1, 0, "نص.", None, (), 0, 4, "ar")], 7, [], "ar",
                        download=("/o/1", "network-ar-landscape-mapping.md"))
    button = one(shown, r'<button class="kb-act kb-link kb-download".*?</button>')
    assert "(<bdi>network-ar-landscape-mapping.md</bdi>)" in button
    assert "<bdi>network-ar-landscape-mapping.md</bdi>" in one(shown, r'<p class="kb-meta">.*?</p>')
    # in a left-to-right page too: an Arabic title in an English sentence
    assert f"“<bdi>{TITLE}</bdi>”" in said("en", "group.draft", title=TITLE)


def test_joined_parts_are_the_stored_citation() -> None:
    parts = citation_parts("Plan", "Lyon", None, 2024, 2, False, ("Plan", "§ 3 Referral"))
    assert "".join(text for text, _ in parts) == "Plan — Lyon (2024), p. 2, § 3 Referral"
    assert [text for text, own in parts if own] == ["Plan", "Lyon", "2024", "p. 2", "3 Referral"]


def test_a_directory_sources_quote_keeps_its_rows_and_joins_a_pdfs_wrapped_lines() -> None:
    """A table quoted as a directory entry's source read as one run of words ("Programas por público
    Crianças e adolescentes Programa | Organização | ..."): its rows keep their lines; a PDF's lines
    wrapped by the page are joined, and a leading line repeating the section heading is left out."""
    table = Source(document="diretorio.docx", quote="Programas por público\nPrograma | Organização\n"
                   "Escuta  Famílias | Pastoral da Família", title="Diretório", section=("Programas por público",))
    quote = one(source_html(table, "pt"), r'<blockquote class="kb-quote" dir="auto">.*?</blockquote>')
    assert ">Programa | Organização\nEscuta Famílias | Pastoral da Família<" in quote
    pdf = Source(document="plan.pdf", quote="The group meets every month and the chair of the group sends\n"
                 "the minutes to every member.", title="Plan")
    assert "sends the minutes" in source_html(pdf, "en")


def test_an_empty_group_tells_only_who_may_add_a_seat_how_to_add_one() -> None:
    """QA: a viewer read "Add one here, or from a directory entry" with no form to add one."""
    assert "Añada uno aquí" in group_view("G", [], [], "es", can_edit=True, guidance={})
    shown = group_view("G", [], [], "es", can_edit=False, guidance={})
    assert "Aún no hay puestos." in shown and "Añada" not in shown


def test_where_a_candidate_was_found_is_said_in_the_page_language() -> None:
    """QA: the Spanish page listed candidates "(table 1, row 1)" and "(list item “Poder público”)"."""
    from kb.directory import Candidate, Entry
    from ui.directory_render import candidate_choices, origin_said

    assert origin_said("table 1, row 2; list item “Poder público”", "es") == (
        "tabla 1, fila 2; elemento de lista «Poder público»")
    label, _ = candidate_choices([Candidate(Entry("Rede Acolher"), origin="table 2, row 1")], "de")[0]
    assert "(Tabelle 2, Zeile 1)" in label and "table" not in label
