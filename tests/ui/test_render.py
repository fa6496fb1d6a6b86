"""HTML views are escaped, highlighted, direction-aware and in the page language (no browser needed)."""

from __future__ import annotations

from kb.types import Hit
from ui.audit_render import audit_detail
from ui.cards import CardState, Original, PinnedAt, body_text, excerpt_window
from ui.render import (
    banner,
    draft_choices,
    draft_name,
    draft_view,
    esc,
    highlight,
    outcome_list,
    outcome_rows,
    result_cards,
)


def hit(text: str, **kw: object) -> Hit:
    base = dict(
        chunk_id=7,
        doc_id=1,
        title="T",
        city="Harrow",
        country="GB",
        source="t.txt",
        page=3,
        section=(),
        language="en",
        text=text,
        score=1.0,
        citation="T — Harrow, GB, p. 3",
    )
    base.update(kw)
    return Hit(**base)  # type: ignore[arg-type]


def test_esc_neutralises_markup_and_template_syntax() -> None:
    out = esc('<script>x</script> "q" {{a}} ${b} `c`')
    assert "<" not in out and '"' not in out and "{" not in out and "$" not in out and "`" not in out
    assert esc(None) == ""


def test_highlight_marks_verbatim_sentences_and_escapes_the_rest() -> None:
    text = "First <b>one</b>. Second & last."
    out = highlight(text, ["Second & last.", "not there"])
    assert out == "First &lt;b&gt;one&lt;/b&gt;. <mark>Second &amp; last.</mark>"
    assert highlight("a b", []) == "a b"


def test_cards_escape_everything_and_carry_actions() -> None:
    evil = hit(
        "<img src=x onerror=alert(1)> body",
        title="<script>alert(1)</script>",
        citation="<i>cite</i>",
        city="<b>c</b>",
    )
    html = result_cards([evil], lambda h: Original(open_url="/gradio_api/file=/x/a.pdf#page=3"))
    assert "<script>" not in html and "<img" not in html and "<i>" not in html and "<b>c" not in html
    assert "&lt;script&gt;" in html
    assert 'data-act="more" data-chunk="7"' in html and 'data-act="pin" data-chunk="7"' in html
    assert 'href="/gradio_api/file=/x/a.pdf#page=3"' in html and "Open at p. 3" in html
    assert 'dir="auto"' in html


def test_rtl_excerpt_and_empty_results() -> None:
    html = result_cards([hit("مرحبا بالعالم.", language="ar")], lambda h: None)
    assert 'class="kb-excerpt kb-short" dir="rtl" lang="ar"' in html and "kb-open" not in html
    assert "No results" in result_cards([], lambda h: None)
    assert "Sin resultados" in result_cards([], lambda h: None, "es")


def test_cards_speak_the_page_language_with_country_names() -> None:
    """A country code is shown as the country's name in the page language; the citation keeps its parts."""
    h = hit("El grupo se reúne cada mes.", country="AR", city="Bahía Quietud", language="es", year=2024,
            doc_type="city-practice", highlights=["El grupo se reúne cada mes."])
    ar = result_cards([h], lambda _: Original(reader=True, download_url="/f", filename="plan.html"), "ar")
    assert "الأرجنتين" in ar and "الإسبانية" in ar and "ممارسة بلدية" in ar  # Argentina, Spanish, city practice
    assert 'dir="rtl"' in ar.split(">", 1)[0] and "ص 3" in ar and "تثبيت" in ar
    assert 'data-act="download"' in ar and 'title="plan.html"' in ar and 'data-act="open"' in ar
    en = result_cards([h], lambda _: None, "en")
    assert "Argentina" in en and ">Spanish<" in en and "City practice" in en


def test_a_card_starts_with_what_the_passage_says_and_shows_more_on_demand() -> None:
    text = "Leadership group\n\n" + " ".join(f"Sentence {i} about the board." for i in range(60)) + " The mayor chairs it."
    assert body_text(text, ("Leadership group", "Members")).startswith("Sentence 0")
    h = hit(text, title="Leadership group", highlights=["The mayor chairs it."], section=("§ Members",))
    html = result_cards([h], lambda _: None)
    short = html.split('class="kb-excerpt kb-short"')[1].split("</p>")[0]
    assert "<mark>The mayor chairs it.</mark>" in short and "Leadership group\n" not in short
    assert short.count("Sentence") < 20 and "… " in short  # a window, not the whole passage
    assert 'class="kb-excerpt kb-full"' in html and 'data-act="expand"' in html and "Show more" in html
    assert "§ §" not in html and "§ <bdi>Members</bdi>" in html  # a heading with its own "§" does not get a second
    a, b = excerpt_window("Short text.", ["Short text."])
    assert (a, b) == (0, len("Short text."))


def test_every_card_has_a_highlight_or_says_why_not() -> None:
    html = result_cards([hit("Nothing matches here.", highlights=[])], lambda _: None)
    assert "kb-nohl" in html and "<mark>" not in html
    assert "kb-nohl" not in result_cards([hit("A b.", highlights=["A b."])], lambda _: None)
    # passages listed for a heat-map cell answer no typed words: nothing to say about "your words"
    assert "kb-nohl" not in result_cards([hit("Nothing matches here.", highlights=[])], lambda _: None, typed=False)


def test_card_says_where_it_is_pinned_and_offers_a_draft_when_there_is_none() -> None:
    states = {7: CardState(pinned=[PinnedAt(42, 3, "Plan")])}
    html = result_cards([hit("A b.")], lambda _: None, "en", states=states)
    assert "Pinned to §3 Plan" in html and 'data-act="unpin" data-chunk="7" data-item="42"' in html
    offer = result_cards([hit("A b.")], lambda _: None, "es", states={7: CardState(offer_create=True)})
    assert 'data-act="create-pin"' in offer and 'name="kb-city"' in offer and "Crear el borrador" in offer
    named = result_cards([hit("A b.")], lambda _: None, "es", states={7: CardState(offer_create=True, city="Oued Nour")})
    assert 'value="Oued Nour"' in named  # the reader's one workspace, filled in


def test_banner_says_local_mode_plainly_with_the_command_folded_away() -> None:
    local = banner("local", None)
    assert "anyone who can open the page" in local and "<details" in local
    assert local.index("<details") < local.index("kb user add")  # the command is for administrators
    # a viewer is told where they draft and what they only read, by the workspaces' names
    assert "ask a coordinator to add you" in banner("viewer", "bob")
    said = banner("viewer", "bob", drafts=["Lindenhall"], reads=["Ashcombe"])
    assert "you can search, draft in Lindenhall and read the drafts of Ashcombe." in said
    assert "you can search and draft in Lindenhall." in banner("viewer", "bob", drafts=["Lindenhall"])
    # a viewer account who drafts somewhere is called a drafter ("viewer" read as "cannot draft")
    assert "Signed in as bob (drafter)" in said and "(viewer)" in banner("viewer", "bob", reads=["Ashcombe"])
    assert "(redactor(a))" in banner("viewer", "bob", "es", drafts=["Lindenhall"])
    assert "search, draft and manage documents" in banner("coordinator", "ana")
    assert 'href="logout"' in said and "Sign out" in said and "Abmelden" in banner("viewer", "bob", "de")
    assert 'href="logout"' not in local  # nobody signs in or out in single-user mode
    assert "<x>" not in banner("viewer", "<x>")
    assert "للمسؤولين" in banner("local", None, "ar") and 'dir="rtl"' in banner("local", None, "ar")


def test_rows() -> None:
    rows = outcome_rows(
        {"files": [{"path": "a.pdf", "outcome": "failed", "reason": "encrypted", "error_code": "encrypted",
                    "chunks": 0}]}
    )
    assert rows[0][:2] == ["a.pdf", "failed"] and rows[0][2].startswith("The PDF is encrypted")
    es = outcome_rows({"files": [{"path": "a.pdf", "outcome": "failed", "error_code": "scanned", "chunks": 0}]}, "es")
    assert es[0][1] == "fallido" and "escaneado" in es[0][2]
    misnamed = outcome_rows({"files": [{"path": "program.pdf", "outcome": "failed", "error_code": "misnamed",
                                        "reason": "'program.pdf' is named .pdf but is not a PDF inside"}]}, "fr")
    assert "endommagé" in misnamed[0][2] and "pris en charge" not in misnamed[0][2]
    assert outcome_rows(None) == [] and draft_choices([]) == []


def test_drafts_of_the_same_name_and_city_are_told_apart() -> None:
    from kb.drafting.records import DraftInfo

    def info(i: int, title: str, city: str, pins: int) -> DraftInfo:
        return DraftInfo(i, city, title, "", "", pins)

    labels = [label for label, _ in draft_choices([info(3, "Plan", "Oued Nour", 2), info(7, "plan", "Oued Nour", 0),
                                                   info(9, "Plan", "Riverton", 1)])]
    assert labels == ["Plan — Oued Nour · #3 (2)", "plan — Oued Nour · #7 (0)", "Plan — Riverton (1)"]
    # a toast names the draft without its count; a title that ends in a number in brackets keeps it
    assert [draft_name(label) for label in labels] == ["Plan — Oued Nour · #3", "plan — Oued Nour · #7",
                                                       "Plan — Riverton"]
    (label, _), = draft_choices([info(4, "Plan (2025)", "", 12)])
    assert draft_name(label) == "Plan (2025)"


def test_a_long_excerpt_is_cut_between_words_and_says_so() -> None:
    from kb.searching.highlights import one_line

    text = "La mesa se reúne cada mes; " * 20 + "y se traduce al árabe"
    short = one_line(text, 60)
    assert short.endswith(" …") and len(short) <= 62
    assert all(word in text.split() for word in short.removesuffix(" …").split())  # no half word
    assert one_line("Una frase corta.\n\nY otra.", 320) == "Una frase corta. Y otra."


def test_suggested_searches_are_shown_in_the_page_language_unless_a_city_wrote_its_own() -> None:
    from dataclasses import replace

    from kb.drafting.framework import load_framework
    from ui.render import section_purpose, section_searches

    section = next(s for s in load_framework().sections if s.key == "coordination")
    assert section_searches(section, "de")[0] == "Verweisverfahren für radikalisierungsgefährdete Personen"
    assert "Verweisverfahren" in section_purpose(section, "de")
    own = replace(section, searches=("our own referral search", *section.searches[1:]))
    assert section_searches(own, "de")[:2] == ["our own referral search",
                                                "Vereinbarung zum Informationsaustausch zwischen Behörden"]


def test_an_audit_entry_s_details_read_as_words_not_python() -> None:
    edit = {"before": {"title": "Old plan", "city": None, "themes": ["youth"]},
            "after": {"title": "", "city": "Lyon", "themes": ["youth", "schools"]}}
    said = audit_detail(edit)
    assert said == "Title: Old plan → —; City: — → Lyon; Themes: youth → youth, schools"
    assert audit_detail({"as_copy": False, "chunks": 12}) == "As a copy: no; Passages: 12"
    assert audit_detail({"as_copy": True}, "de") == "Als Kopie: ja"
    # values as the page names them, not their codes (QA: "Document type: — → evaluation", "by: -1; item: 26")
    coded = {"before": {"doc_type": None, "country": "DE"}, "after": {"doc_type": "evaluation", "country": "FR"}}
    assert audit_detail(coded) == "Document type: — → Evaluation; Country: Germany → France"
    # French puts a space before its colon and semicolon, as the rest of the page does (QA: "Document: supprimé")
    assert audit_detail(coded, "fr") == "Type de document : — → Évaluation ; Pays : Allemagne → France"
    assert audit_detail({"item": 26, "by": -1}) == "moved up; item 26"
    assert audit_detail({"item": 26, "by": 1}, "de") == "nach unten verschoben; Eintrag 26"
    # and what was done, to what, in words (QA: "document.metadata", "draft 5")
    from ui.audit_render import audit_action, audit_target

    assert audit_action("draft.pin") == "Draft: excerpt pinned" and audit_action("draft.pin", "de") == "Entwurf: Auszug angeheftet"
    assert audit_action("refused", "fr") == "Refusé" and audit_action("plugin.something") == "plugin.something"
    assert audit_action("document.purge", "fr") == "Document : supprimé définitivement"
    assert audit_action("user.remove") == "Account: removed"  # not "(to the trash)": accounts have none
    assert audit_action("user.disable", "es") == "Cuenta: desactivada"  # in agreement with its noun
    assert audit_target("draft 5", "pt") == "rascunho 5" and audit_target("indexes", "de") == "Indizes"
    assert audit_target("user dana", "es") == "cuenta dana" and audit_target("whatever 3") == "whatever 3"
    assert "{" not in audit_detail({"role": "viewer", "before": {"a": 1}}) and "None" not in said
    # the title named beside a change of it is said once, as the change
    assert audit_detail({"title": "Lakeside", "before": {"title": "LAKESIDE"}, "after": {"title": "Lakeside"},
                         "source": "l.txt"}) == "Title: LAKESIDE → Lakeside; Source file: l.txt"


def test_the_library_list_for_a_phone_is_escaped_and_in_the_page_language() -> None:
    from kb.types import Document
    from ui.render import library_list, library_rows

    doc = Document(7, "0" * 64, "plan.md", "<script>alert(1)</script> Plan", "es", "markdown",
                   {"city": "Riverton", "country": "AR", "year": 2023, "themes": ["online-hate", "our-own-tag"]},
                   "ready", "2026-12-01T10:00:00+00:00", "2026-12-01T10:00:00+00:00", chunk_count=4)
    assert "odio en línea; our own tag" in library_rows([doc], "es")[0]  # themes named as filters name them (QA)
    assert any(str(cell).endswith("؛ our own tag") for cell in library_rows([doc], "ar")[0])  # a Latin ";" before
    html = library_list(library_rows([doc], "es"), "es")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Riverton, Argentina · 2023" in html and "#7 · plan.md · pasajes: 4" in html
    assert library_list([], "es") == ""


def test_a_pdf_passage_reads_as_running_text_on_its_card_with_its_highlight_kept() -> None:
    """QA: a German PDF's card broke "Etwa ein Drittel aller / Beratungsfälle" where the page wrapped."""
    from ingest.wraps import soft_wraps

    text = ("Eltern suchen Rat und Unterstützung im Umgang mit der betroffenen Person, meist am Telefon. Etwa ein "
            "Drittel aller\nBeratungsfälle beginnt mit einem Anruf der Eltern.\n\nAusgangslage\nDie Beratung ist "
            "kostenlos.")
    assert soft_wraps(text) == text.replace("aller\nBeratungsfälle", "aller Beratungsfälle")  # the rest kept
    sentence = "Etwa ein Drittel aller\nBeratungsfälle beginnt mit einem Anruf der Eltern."
    html = result_cards([hit(text, source="haselwerder.pdf", highlights=(sentence,))], lambda h: None)
    assert "<mark>Etwa ein Drittel aller Beratungsfälle beginnt mit einem Anruf der Eltern.</mark>" in html
    assert "Ausgangslage\nDie Beratung" in html  # a heading keeps its own line
    docx = result_cards([hit(text, source="haselwerder.docx", highlights=(sentence,))], lambda h: None)
    assert "aller\nBeratungsfälle" in docx  # a Word document's lines are its paragraphs: kept


def test_a_pinned_pdf_passage_reads_in_the_draft_as_the_export_quotes_it() -> None:
    """QA: the draft panel showed a pin's title and heading lines, broken at the PDF's wraps, which the
    export leaves out: the screen and the document disagreed."""
    from kb.drafting.records import DraftItem
    from ui.render import _item_html

    text = ("Evaluación del programa «Barrios que Cuidan» de\nCiénaga Azul\nEl programa evaluado\n"
            "El programa acompañó a 120 jóvenes durante dos años en cuatro barrios de la ciudad, con talleres "
            "semanales y\nmentores voluntarios.")
    item = DraftItem(1, 1, "plan", 0, "excerpt", text, "Ciénaga Azul, p. 2", 5, 2, "cienaga-azul.pdf", 2,
                     {"title": "Evaluación del programa «Barrios que Cuidan» de Ciénaga Azul",
                      "section": ["El programa evaluado"], "language": "es"}, "2026-12-07T10:00:00Z")
    html = _item_html(item, "es")
    assert "Evaluación del programa" not in html and "El programa evaluado" not in html
    assert "talleres semanales y mentores voluntarios." in html
    # QA: a pin had no way back to its passage; "Abrir" opens the reader there, while the document holds it
    assert 'data-act="open-source" data-chunk="5">Abrir</button>' in html
    from dataclasses import replace

    assert "open-source" not in _item_html(replace(item, chunk_id=None), "es")


def test_every_audit_detail_is_labelled_and_its_codes_named_in_the_page_language() -> None:
    """QA on a Spanish page: "as copy: no; source: minimal.pdf", "chunks: 1; … to: trash", "format: csl-json",
    "citation: …; item: 14; section: monitoring", "after: drafter; before: —; user: nadia", "role: viewer",
    "item: 4; kind: excerpt": each key in words, each code by its name, in the page's language."""
    assert audit_detail({"as_copy": False, "source": "minimal.pdf"}, "es") == "Como copia: no; Archivo de origen: minimal.pdf"
    assert audit_detail({"chunks": 1, "title": "Plan", "to": "trash"}, "es") == (
        "Fragmentos: 1; Título: Plan; Enviado a: la papelera")
    assert audit_detail({"format": "csl-json"}, "es", "draft.export") == "Formato de archivo: CSL-JSON"
    assert audit_detail({"citation": "Doe 2020", "item": 14, "section": "monitoring"}, "es", "draft.pin") == (
        "Cita: Doe 2020; Elemento: 14; Sección del marco: Seguimiento, evaluación y sostenibilidad")
    member = {"after": "drafter", "before": None, "user": "nadia"}
    assert audit_detail(member, "es", "workspace.member") == "Usuario: nadia; Rol: — → redactor(a)"
    assert audit_detail({"after": None, "user": "nadia"}, "es", "workspace.member") == "Usuario: nadia; Rol: —"
    assert audit_detail({"role": "viewer"}, "es", "user.add") == "Rol: lector"
    assert audit_detail({"item": 4, "kind": "excerpt"}, "es", "draft.remove_item") == "Elemento: 4; Tipo: extracto"
    assert audit_detail({"before": "queued", "after": "cancelled", "started_by": "bob"}, "es", "job.cancel") == (
        "Iniciada por: bob; Estado: en cola → cancelada")
    assert audit_detail({"asked": "directory", "role": "viewer"}, "es", "refused") == (
        "Petición: cambiar su directorio; Rol: lector")
    assert audit_detail({"with": "network"}, "es", "draft.share") == "Compartido con: toda la red"
    assert audit_detail({"removed_at": "2026-12-07T16:09:50Z", "expired": False}, "es") == (
        "Retirado el: 7 dic 2026, 16:09:50; Caducado: no")
    # the directory's and the leadership group's writes
    assert audit_detail({"name": "Turning Point", "draft": 3, "changed": ["name", "phone", "sources"]}, "es") == (
        "Nombre: Turning Point; Borrador: 3; Campos cambiados: Nombre, Teléfono, Fuentes")
    assert audit_detail({"added": 2, "merged": 1, "duplicates": 0, "rejected": 1}, "es", "directory.import") == (
        "Filas añadidas: 2; Filas fusionadas: 1; Filas en espera (ya presentes): 0; Filas rechazadas: 1")
    assert audit_detail({"format": "csv", "entries": 3}, "es", "directory.export") == (
        "Formato de archivo: CSV; Entradas: 3")
    seat = {"organisation": "Police", "role": "chair", "seat": 4, "sector": "police"}
    assert audit_detail(seat, "es") == "Organización: Police; Rol: Presidencia; Puesto: 4; Ámbito: Policía"
    # Arabic: its words, its list comma and its semicolon between details
    assert audit_detail({"item": 4, "kind": "excerpt"}, "ar") == "العنصر: 4؛ النوع: مقتطف"
    assert audit_detail(member, "ar", "workspace.member") == "المستخدم: nadia؛ الدور: — → محرر"
    assert audit_detail({"chunks": 1, "to": "trash"}, "ar") == "المقاطع: 1؛ نُقل إلى: سلة المحذوفات"
    assert audit_detail({"format": "csl-json"}, "ar") == "صيغة الملف: CSL-JSON"
    assert audit_detail({"name": "X", "changed": ["name", "phone"]}, "ar") == "الاسم: X؛ الحقول المعدلة: الاسم، الهاتف"
    assert audit_detail(seat, "ar") == "الجهة: Police؛ الدور: الرئاسة؛ المقعد: 4؛ القطاع: الشرطة"
    assert audit_detail({"citation": "Doe", "section": "monitoring"}, "ar") == (
        "الاقتباس: Doe؛ قسم الإطار: الرصد والتقييم والاستدامة")
    from ui.audit_render import audit_action, audit_target

    assert audit_action("directory.add", "es") == "Directorio: entrada añadida"
    assert audit_action("group.remove", "ar") == "مجموعة القيادة: أُزيل مقعد"
    assert audit_action("directory.export", "es") == "Directorio: exportado"
    assert audit_target("entry 5", "es") == "entrada del directorio 5" and audit_target("network", "ar") == "دليل الشبكة"


def test_every_detail_key_the_product_records_has_a_label_in_every_language() -> None:
    """Each key an audit record call passes (grep of kb/ and ui/) is a field's or the trail's own label."""
    import ast
    from pathlib import Path

    from ui.i18n import LANGUAGES, catalogue

    root = Path(__file__).resolve().parents[2]
    keys: set[str] = set()
    for folder in ("kb", "ui"):
        for path in (root / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                        "record", "_log", "_about", "_seat"):
                    for arg in [*node.args, *(k.value for k in node.keywords)]:
                        for sub in ast.walk(arg):
                            if isinstance(sub, ast.Dict):
                                keys |= {k.value for k in sub.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
                    if getattr(node.func, "attr", "") == "_log":  # the drafts' record(..., **detail)
                        keys |= {k.arg for k in node.keywords if k.arg}
                if isinstance(node, ast.FunctionDef) and node.name in ("_about", "_seat"):
                    for sub in ast.walk(node):
                        if isinstance(sub, ast.Dict):
                            keys |= {k.value for k in sub.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    keys -= {"before", "after", "by", "password"}  # a change, a move, a secret: said otherwise
    assert {"source", "to", "format", "section", "role", "changed", "organisation", "seat", "added"} <= keys
    for lang in LANGUAGES:
        labels = catalogue(lang)
        missing = sorted(k for k in keys if f"field.{k}" not in labels and f"audit.field.{k}" not in labels)
        assert missing == [], (lang, missing)


def test_an_uploads_outcomes_read_as_a_list_on_a_phone() -> None:
    """At 390 px the seven-column outcomes table cut its headers to "archiv | res | pas": a phone gets a
    list instead, in the page language, everything escaped."""
    report = {"files": [{"path": "<b>plan</b>.pdf", "outcome": "added", "chunks": 4, "pages": 2, "language": "es",
                         "title": "Plan"},
                        {"path": "datos.csv", "outcome": "failed", "error_code": "data_file", "reason": "x"}]}
    html = outcome_list(outcome_rows(report, "es"), "es")
    assert html.count("<li>") == 2 and "&lt;b&gt;plan&lt;/b&gt;.pdf" in html and "<b>plan" not in html
    assert "añadido" in html and "pasajes: 4" in html and "Es una tabla de datos (CSV)" in html
    assert outcome_list([], "es") == ""


def test_an_audit_detail_names_a_cited_country_and_a_workspace() -> None:
    """QA on a French page: a pinned excerpt's citation said "Hautmarais, BE (2025)" where the page names
    the country ("Belgique"); a moved draft said "Espace de travail: 1" (its id) where its name is known."""
    pinned = {"citation": "Plan local — Hautmarais, BE (2025), p. 4", "item": 3}
    assert audit_detail(pinned, "fr", "draft.pin") == (
        "Citation (référence) : Plan local — Hautmarais, Belgique (2025), p. 4 ; Élément : 3")
    assert audit_detail({"citation": "Hautmarais, BE (2025)"}, "de", "draft.pin") == "Zitat: Hautmarais, Belgien (2025)"
    assert audit_detail({"citation": "Plan — DE"}, "es", "draft.pin") == "Cita: Plan — Alemania"
    # two capitals that are no country, or not in the place, stay as they are
    assert audit_detail({"citation": "Doe 2020"}, "es", "draft.pin") == "Cita: Doe 2020"
    assert audit_detail({"citation": "Plan — Lyon (2021), § ZZ"}, "en", "draft.pin") == "Citation: Plan — Lyon (2021), § ZZ"
    names = {1: "Lyon", 2: "Gent"}
    assert audit_detail({"before": 1, "after": 2}, "fr", "draft.move", names) == "Espace de travail : Lyon → Gent"
    assert audit_detail({"with": 2}, "fr", "draft.share", names) == "Partagé avec : espace de travail Gent"
    assert audit_detail({"title": "Plan", "workspace": 1}, "en", "draft.create", names) == "Title: Plan; Workspace: Lyon"
    # without the names (a workspace since deleted), its id as recorded
    assert audit_detail({"before": 1, "after": 2}, "fr", "draft.move") == "Espace de travail : 1 → 2"


def test_a_card_is_named_by_its_rank_and_title_and_an_items_dead_ends_are_disabled() -> None:
    """QA pass 15: cards were unnamed articles, every one with the same "Pin"; "up" on a section's first
    item and "down" on its last were offered though they move nothing."""
    import re

    from kb.drafting.drafts import Draft, DraftItem, DraftSection
    from kb.drafting.framework import Section

    html = result_cards([hit("Referral panel.", language="en")], lambda h: None)
    named = re.search(r'<article [^>]*aria-labelledby="([^"]+)"', html)
    assert named is not None
    parts = [re.search(rf'id="{i}"[^>]*>([^<]*)<', html) for i in named.group(1).split()]
    assert [p.group(1) for p in parts if p] == ["1", "T"]

    def item(n: int) -> DraftItem:
        return DraftItem(n, 1, "leadership", n, "note", f"note {n}", "", None, None, "", None, {}, "")

    section = Section("leadership", "Leadership group", "Who leads.", ())
    draft = Draft(1, "Lyon", "Plan", "", "", "Framework", [DraftSection(section, [item(1), item(2), item(3)])])
    view = draft_view(draft)
    disabled = re.findall(r'data-act="(up|down)" data-item="(\d)"[^>]*disabled', view)
    assert sorted(disabled) == [("down", "3"), ("up", "1")], disabled
