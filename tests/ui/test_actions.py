"""The UI's operations without a browser: role checks, uploads, metadata edits, drafting and export.

Everything goes through `Actions`, as the web handlers do, with the hashing embedder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kb.access import User, hash_password
from ui import render
from ui.actions import Actions, UiError
from ui.i18n import t

EMPTY_FORM = {
    "title": "",
    "city": "",
    "country": "",
    "region": "",
    "doc_type": "",
    "themes": "",
    "year": "",
    "population_band": "",
    "prevention_level": [],
    "source_url": "",
    "licence": "",
}


@pytest.fixture
def act(tmp_path: Path) -> Iterator[Actions]:
    from kb import KnowledgeBase

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    pw = hash_password("pw", iterations=1000)
    users = {"ana": User("ana", "coordinator", pw), "vic": User("vic", "viewer", pw)}
    a = Actions(kb, users)
    yield a
    a.on_kb(kb.close)
    a.close()


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_roles_are_checked_server_side(act: Actions, tmp_path: Path) -> None:
    doc = write(tmp_path / "in", "a.txt", "Referral\n\nConcerns go to the multi-agency panel.")
    for user in ("vic", None, "mallory"):
        with pytest.raises(UiError):
            act.add(user, [doc], None, EMPTY_FORM)
    act.add("ana", [doc], None, {**EMPTY_FORM, "city": "Lyon", "country": "FR", "year": "2020"})
    doc_id = act.kb.documents()[0].id
    with pytest.raises(UiError, match="viewer cannot remove"):
        act.remove("vic", doc_id, True)
    with pytest.raises(UiError, match="viewer cannot edit"):
        act.update_metadata("vic", doc_id, {"title": "x"})
    with pytest.raises(UiError, match="viewer cannot edit"):
        act.metadata_of("vic", doc_id)
    cards, _, _ = act.search("vic", "multi-agency panel", {})
    assert "multi-agency panel" in cards  # viewers search
    with pytest.raises(UiError, match="not a drafter in any workspace"):
        act.create_draft("vic", "Lyon", "Plan")  # drafting happens in a workspace (issue 20)
    act.kb.workspaces("ana").create("Lyon")
    act.kb.workspaces("ana").set_member("Lyon", "vic", "drafter")
    draft_id = act.create_draft("vic", "Lyon", "Plan")  # and draft
    status, _ = act.pin("vic", draft_id, "coordination", act.kb.catalog.chunk_ids()[0])
    assert "Added to “<bdi>Plan — Lyon</bdi>”, §5" in status  # the draft named: it may be a colleague's


def test_a_batch_with_wrong_metadata_is_refused_before_any_job_naming_every_wrong_field(
    act: Actions, tmp_path: Path
) -> None:
    a = write(tmp_path / "in", "a.txt", "Leadership\n\nThe mayor chairs the board.")
    form = {**EMPTY_FORM, "city": "Kirchdorf", "country": "Germania Magna", "year": "1890"}
    with pytest.raises(UiError) as refused:
        act.add("ana", [a], None, form)
    text = refused.value.text("en")
    assert "Country: “Germania Magna” is not a country we know; type its name (Germany)" in text
    # 1890 is a year: the message says which years are taken (it said "not a year; type a year such as 2021")
    assert "Year: “1890” is not a year we take; type a whole year from 1900 to 2100" in text
    assert "«Germania Magna»" in refused.value.text("es") and "de 1900 a 2100" in refused.value.text("es")
    assert act.kb.jobs.latest() == [] and act.kb.documents() == []  # nothing started: the files can be sent again
    status, _ = act.add("ana", [a], None, {**form, "country": "Deutschland", "year": "2024"})
    assert "1 added" in status
    doc = act.kb.documents()[0]
    assert doc.metadata["country"] == "DE"  # a country's name in a page language is stored as its code
    with pytest.raises(UiError) as both:  # a metadata edit names every wrong field too
        act.update_metadata("ana", doc.id, {**act.metadata_of("ana", doc.id), "country": "Narnia", "year": "soon"})
    assert "Narnia" in both.value.text("en") and "soon" in both.value.text("en")


def test_a_title_typed_in_the_add_form_names_one_file_and_is_refused_for_several(
    act: Actions, tmp_path: Path
) -> None:
    """A plain-text file's title was its first line (often in capitals), to be fixed in the Library
    afterwards; the form now takes a title for a batch of one."""
    a = write(tmp_path / "in", "a.txt", "LEADERSHIP GROUP MINUTES\n\nThe mayor chairs the board.")
    b = write(tmp_path / "in", "b.txt", "Referral\n\nConcerns go to the multi-agency panel.")
    with pytest.raises(UiError) as several:
        act.add("ana", [a, b], None, {**EMPTY_FORM, "title": "Leadership group minutes"})
    assert "Nothing was added" in several.value.text("en") and "varios archivos" in several.value.text("es")
    assert act.kb.documents() == [] and act.kb.jobs.latest() == []
    status, _ = act.add("ana", [a], None, {**EMPTY_FORM, "title": "Leadership group minutes, March 2024"})
    assert "1 added" in status
    assert [d.title for d in act.kb.documents()] == ["Leadership group minutes, March 2024"]


def test_add_form_edit_and_remove(act: Actions, tmp_path: Path) -> None:
    a = write(tmp_path / "in", "a.txt", "Leadership\n\nThe mayor chairs the board.")
    b = write(tmp_path / "in", "b.txt", "")
    status, rows = act.add(
        "ana", [a, b], None, {**EMPTY_FORM, "city": "Oslo", "themes": "youth; online hate", "year": "2019"}
    )
    assert "1 added" in status and "1 failed" in status
    assert rows[0][:2] == ["a.txt", "added"] and rows[1][1] == "failed" and rows[1][2]
    doc = act.kb.documents()[0]
    assert doc.metadata["themes"] == ["youth", "online-hate"] and doc.metadata["year"] == 2019  # a known theme: its tag
    form = act.metadata_of("ana", doc.id)
    assert form["city"] == "Oslo" and form["year"] == "2019" and form["themes"] == "youth; online hate"
    with pytest.raises(UiError, match="Country: “Narnia” is not a country we know") as refused:
        act.update_metadata("ana", doc.id, {**form, "country": "Narnia"})
    assert refused.value.text("es").startswith("País: «Narnia» no es un país que conozcamos")
    act.update_metadata("ana", doc.id, {**form, "country": "no", "year": "", "title": "Board"})
    doc = act.kb.document(doc.id)
    assert doc.title == "Board" and doc.metadata["country"] == "NO" and "year" not in doc.metadata
    with pytest.raises(UiError, match="I am sure"):
        act.remove("ana", doc.id, False)
    assert "to the trash" in act.remove("ana", doc.id, True)
    rows, choices, report = act.library("ana")
    assert rows == [] and choices == [] and "Last added: started" in report
    assert "1 added, 0 updated, 0 unchanged, 1 failed." in report  # the counts named (QA: ": 1, 0, 0, 1.")


def test_themes_are_shown_by_their_names_and_stored_as_the_themes_they_name(act: Actions, tmp_path: Path) -> None:
    """QA: the edit form showed "online-hate; digital-literacy" under a table saying "odio en línea; …",
    and "grupo de liderazgo; derivación" typed on a Spanish page became two new themes the filters listed
    beside "leadership group" and "referral" (filtering by those missed the document)."""
    doc = write(tmp_path / "in", "plan.md", "# Plan\n\nThe panel meets on Mondays.\n")
    act.add("ana", [doc], None, {**EMPTY_FORM, "themes": "Online Hate; youth-work"})
    [stored] = act.kb.documents()
    assert stored.metadata["themes"] == ["online-hate", "youth-work"]  # free text kept as typed
    form = act.metadata_of("ana", stored.id, "es")
    assert form["themes"] == "odio en línea; youth-work"
    act.update_metadata("ana", stored.id, {**form, "themes": "grupo de liderazgo؛ DERIVACIÓN; odio en línea"}, "es")
    assert act.kb.document(stored.id).metadata["themes"] == ["leadership-group", "referral", "online-hate"]
    assert act.metadata_of("ana", stored.id, "ar")["themes"].count("؛") == 0  # one separator the parser reads


def test_manifest_upload_and_hostile_names(act: Actions, tmp_path: Path) -> None:
    doc = write(tmp_path / "in", "plan.txt", "Plan\n\nGoals and activities.")
    manifest = write(tmp_path / "in", "manifest.csv", "file,city,country\nplan.txt,Bergen,NO\n")
    status, rows = act.add("ana", [doc], manifest, EMPTY_FORM)
    assert "1 added" in status
    assert act.kb.documents()[0].metadata["city"] == "Bergen"
    # Only the file's own name counts, sanitised; nothing is written outside the KB home.
    odd = write(tmp_path / "in" / "sub", "..evil name.txt", "Evil\n\nText.")
    act.add("ana", [odd], None, EMPTY_FORM)
    assert "evil name.txt" in {d.source for d in act.kb.documents()}
    home = act.kb.settings.home
    # uploads are staged under home/jobs/ until their ingest job ends, then deleted
    assert not list((home / "jobs").iterdir())


def test_a_spreadsheet_or_an_unknown_kind_of_file_dropped_among_the_documents_is_refused(
    act: Actions, tmp_path: Path
) -> None:
    """QA: a directory CSV dropped in the Files box (not the Manifest box) was added as a document, its
    private phone numbers searchable by every viewer; "datos.xyz" was added as a document titled "hola";
    a file added again as it was said "unchanged" with no reason; "1 fallidos"."""
    plan = write(tmp_path / "in", "plan.md", "# Plan\n\nThe panel meets on Mondays.\n")
    contacts = write(tmp_path / "in", "manifiesto.csv", "name,phone,public\nCentre jeunesse Horizon,+56 32 555 0202,non\n")
    odd = write(tmp_path / "in", "datos.xyz", "hola")
    status, rows = act.add("ana", [plan, contacts, odd], None, EMPTY_FORM, lang="es")
    assert [r[:2] for r in rows] == [["datos.xyz", "fallido"], ["plan.md", "añadido"], ["manifiesto.csv", "fallido"]]
    reasons = {r[0]: r[2] for r in rows}
    assert reasons["manifiesto.csv"].startswith("Es una tabla de datos (CSV), no un documento")
    assert reasons["datos.xyz"].startswith("Este tipo de archivo no es compatible")
    assert "1 añadido, 0 actualizados, 0 sin cambios, 2 fallidos" in status
    assert [d.source for d in act.kb.documents()] == ["plan.md"]
    assert not [h for h in act.kb.search("Horizon 0202", k=3) if "0202" in h.text]
    status, rows = act.add("ana", [plan], None, EMPTY_FORM, lang="es")
    assert rows[0][1] == "sin cambios" and rows[0][2].startswith("Ya está en la base de conocimiento")
    assert "0 añadidos, 0 actualizados, 1 sin cambios, 0 fallidos" in status
    _, rows = act.add("ana", [odd], None, EMPTY_FORM, lang="es")  # nothing to add: no job at all
    assert rows[0][1] == "fallido" and [j.kind for j in act.kb.jobs.latest()] == ["add", "add"]


def test_pin_note_move_export(act: Actions, tmp_path: Path) -> None:
    act.add(
        "ana",
        [write(tmp_path / "in", "a.txt", "Referral\n\nConcerns go to the panel.")],
        None,
        {**EMPTY_FORM, "city": "Lyon", "country": "FR"},
    )
    chunk_id = int(act.kb.catalog.chunk_ids()[0])
    with pytest.raises(UiError, match="draft first"):
        act.pin("ana", None, "coordination", chunk_id)
    draft_id = act.create_draft("ana", "Lyon", "Lyon plan")
    act.pin("ana", draft_id, "coordination", chunk_id)
    act.add_note("ana", draft_id, "coordination", "We will meet weekly.")
    view = act.view("ana", draft_id, "coordination")
    assert view.index("Concerns go to the panel.") < view.index("We will meet weekly.")
    note_id = act.drafts.get(draft_id).section("coordination").items[1].id
    act.item_action("ana", "up", note_id)
    view = act.view("ana", draft_id, "coordination")
    assert view.index("We will meet weekly.") < view.index("Concerns go to the panel.")
    md = act.export("ana", draft_id, "markdown").path.read_text(encoding="utf-8")
    # the quote is the passage as its card shows it: its title line is the reference's, not the quote's
    assert "> Concerns go to the panel." in md and "> Referral" not in md and "[1]" in md
    assert "1. Referral — Lyon, France" in md  # the country by name, as the page writes it
    csl = json.loads(act.export("ana", draft_id, "csl-json").path.read_text(encoding="utf-8"))
    assert csl[0]["type"] == "report" and csl[0]["publisher-place"] == "Lyon, FR"
    assert act.export("ana", draft_id, "docx").path.suffix == ".docx"
    cards, status, _ = act.suggested("ana", "coordination")
    assert "excerpt for" in status or "excerpts for" in status
    _, status, _ = act.suggested("ana", "coordination", lang="es")  # run as the section shows them
    assert "mecanismo de derivación de personas en riesgo de radicalización" in status
    with pytest.raises(UiError, match="I am sure"):
        act.delete_draft("ana", draft_id, False)
    act.delete_draft("ana", draft_id, True)
    assert act.draft_choices("ana") == []


def test_every_format_opens_pdf_at_the_page_others_in_the_reader(act: Actions, tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "in" / "r.pdf"
    pdf.parent.mkdir(parents=True)
    c = canvas.Canvas(str(pdf))
    c.drawString(72, 760, "Page one about the referral panel.")
    c.save()
    page = write(
        tmp_path / "in",
        "p.html",
        "<html><body><h1>Panel</h1><h2>Referral</h2><p>The referral panel meets.</p><script>alert(1)</script>"
        "</body></html>",
    )
    act.add("ana", [pdf], None, EMPTY_FORM)
    act.add("ana", [page], None, {**EMPTY_FORM, "source_url": "https://example.org/panel"})
    hits = {h.source: h for h in act.on_kb(lambda: act.kb.search("referral panel", k=5))}
    pdf_link = act.on_kb(lambda: act.original(hits["r.pdf"]))
    assert pdf_link.open_url.endswith(".pdf#page=1") and pdf_link.filename == "r.pdf"
    html_link = act.on_kb(lambda: act.original(hits["p.html"]))
    assert html_link.reader and html_link.open_url is None and html_link.filename == "p.html"
    # served by ui.gate as a download (never shown as a page of this app), under its own name
    assert html_link.download_url == f"/kb/original/{hits['p.html'].doc_id}/p.html?download=1"
    view = act.reader("ana", hits["p.html"].chunk_id, ["The referral panel meets."])
    assert "<script" not in view and 'id="kb-reader-target"' in view and "<mark>The referral panel meets.</mark>" in view
    assert 'data-act="download"' in view and "p.html" in view
    copy = act.original_copy("ana", hits["p.html"].chunk_id)
    assert copy.name == "p.html" and copy.read_bytes() == page.read_bytes()
    assert not str(copy).startswith(str(act.kb.settings.files_dir))  # not where the app serves files inline


def test_documents_read_by_an_older_version_are_pointed_out_and_read_again(act: Actions, tmp_path: Path) -> None:
    doc = write(tmp_path / "in", "plan.md", "# Plan\n\n## Members\n\n- the deputy mayor\n- two residents\n")
    act.add("ana", [doc], None, EMPTY_FORM)
    assert act.stale_count("ana") == 0 and "Every document is already read" in act.reread("ana")
    with act.kb.catalog.transaction() as db:
        db.execute("UPDATE documents SET chunker = '2'")
    assert act.stale_count("ana") == 1 and act.stale_count("vic") == 0  # a viewer cannot act on it
    with pytest.raises(UiError, match="viewer cannot"):
        act.reread("vic")
    status = act.reread("ana")
    assert "Read again: 0 added, 1 updated" in status and act.stale_count("ana") == 0
    # run as a job, as an upload is: in the jobs panel and `kb jobs`, its document recorded as ana's
    [job] = act.kb.jobs.latest(limit=1, files=True)
    assert (job.kind, job.state, job.user, [f.name for f in job.files]) == ("reread", "done", "ana", ["plan.md"])
    assert [(e.actor, e.action) for e in act.kb.log(action="document.update")] == [("ana", "document.update")]
    assert "Every document is already read" in act.reread("ana")
    assert [j.kind for j in act.kb.jobs.latest()] == ["reread", "add"]  # no empty job


def test_scans_ocr_can_now_read_are_pointed_out_and_read_again(act: Actions, tmp_path: Path) -> None:
    """A document added while OCR (or a language pack it needed) was missing: `kb` said so on every
    command, but the Library said nothing and hid "Read them again" (it counted only an older reader's
    documents)."""
    doc = write(tmp_path / "in", "scan.md", "# Scan\n\nThe panel meets on Mondays.\n")
    act.add("ana", [doc], None, EMPTY_FORM)
    assert act.ocr_pending_count("ana") == 0
    with act.kb.catalog.transaction() as db:  # as if read before OCR was installed
        db.execute("UPDATE documents SET ocr = ?", (json.dumps({"engine": None, "pages": {}}),))
    assert act.ocr_pending_count("ana") == 1 and act.ocr_pending_count("vic") == 0  # a viewer cannot act on it
    notice = render.stale_notice(act.stale_count("ana"), "es", act.ocr_pending_count("ana"))
    assert notice.count('class="kb-notice"') == 1 and "1 documento tiene páginas escaneadas" in notice
    assert "Read again: 0 added, 1 updated" in act.reread("ana") and act.ocr_pending_count("ana") == 0


def test_library_metadata_downloads_as_a_manifest_that_reads_back(act: Actions, tmp_path: Path) -> None:
    from ingest import load_manifest, validate_metadata

    doc = write(tmp_path / "in", "plan.txt", "Plan\n\nThe mayor chairs the group.")
    act.add("ana", [doc], None, {**EMPTY_FORM, "city": "Bahía Quietud", "country": "AR", "themes": "online-hate; youth",
                                 "year": "2024"})
    with pytest.raises(UiError):
        act.library_manifest("mallory")
    path = act.library_manifest("vic").path  # a viewer sees the same metadata in the Library table
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets then read the UTF-8 right
    row = load_manifest(path).lookup(Path("plan.txt"))
    assert validate_metadata(row) == act.kb.documents()[0].metadata
    assert row["city"] == "Bahía Quietud" and row["themes"] == "online-hate; youth"


def _one_doc(act: Actions, tmp_path: Path, text: str, **meta: str) -> int:
    act.add("ana", [write(tmp_path / "in", "a.txt", text)], None, {**EMPTY_FORM, **meta})
    return int(act.kb.catalog.chunk_ids()[0])


def test_pinning_twice_says_so_and_parts_are_quoted_exactly(act: Actions, tmp_path: Path) -> None:
    chunk_id = _one_doc(act, tmp_path, "Referral\n\nConcerns go to the panel. It meets weekly. Families are told.",
                        city="Lyon", country="FR")
    draft_id = act.create_draft("ana", "Lyon", None)
    assert act.drafts.get(draft_id).title == "Lyon local prevention framework"  # named for the city
    status, note = act.pin("ana", draft_id, "coordination", chunk_id)
    assert "Added to “<bdi>Lyon local prevention framework</bdi>”, §5 “Coordination and referral”" in status
    assert not note.notice
    status, note = act.pin("ana", draft_id, "coordination", chunk_id)
    assert "Already in §5" in status and "nothing added" in note.notice
    assert len(act.drafts.get(draft_id).section("coordination").items) == 1
    # Only the highlighted sentences, or a selection (spacing as the browser gives it): still exact quotes.
    act.pin("ana", draft_id, "plan", chunk_id, highlights=["It meets weekly."])
    act.pin("ana", draft_id, "plan", chunk_id, quote="Concerns go to\nthe  panel.")
    texts = [i.text for i in act.drafts.get(draft_id).section("plan").items]
    assert texts == ["It meets weekly.", "Concerns go to the panel."]
    with pytest.raises(UiError, match="selected words"):
        act.pin("ana", draft_id, "plan", chunk_id, quote="words that are not there")
    states = act.card_states(draft_id, [chunk_id], "en")
    assert sorted(p.number for p in states[chunk_id].pinned) == [3, 3, 5]


def test_pinning_highlighted_sentences_quotes_those_only(act: Actions, tmp_path: Path) -> None:
    """Sentences apart are joined by " […] ", not by what lies between; a highlight that only repeats
    the title or the heading (the citation names both) is left out."""
    text = ("Youth panel\n\nReferral\n\nConcerns go to the panel. It meets weekly. The mayor chairs it. "
            "Families are told.")
    chunk_id = _one_doc(act, tmp_path, text, city="Lyon", country="FR")
    chunk = act.kb.chunk(chunk_id)
    assert chunk is not None and chunk.text.startswith("Youth panel")
    draft_id = act.create_draft("ana", "Lyon", None)
    act.pin("ana", draft_id, "plan", chunk_id,
            highlights=["Youth panel", "Concerns go to the panel.", "It meets weekly.", "Families are told."])
    (item,) = act.drafts.get(draft_id).section("plan").items
    assert item.text == "Concerns go to the panel. It meets weekly. […] Families are told."
    # the same highlights again: already there
    status, _ = act.pin("ana", draft_id, "plan", chunk_id,
                        highlights=["Families are told.", "It meets weekly.", "Concerns go to the panel."])
    assert "Already in" in status
    # "Pin" and then "Pin highlighted sentences" on one card: the sentences are in the passage pinned
    # (cited twice, [1] and [1], without a word); the other way round, the whole holds what is there
    act.pin("ana", draft_id, "coordination", chunk_id)
    status, note = act.pin("ana", draft_id, "coordination", chunk_id, highlights=["It meets weekly."], lang="de")
    assert "Schon in §5" in status and "nichts hinzugefügt" in note.notice
    status, _ = act.pin("ana", draft_id, "coordination", chunk_id, quote="It meets\nweekly. The mayor")
    assert "Already in §5" in status
    assert len(act.drafts.get(draft_id).section("coordination").items) == 1
    status, note = act.pin("ana", draft_id, "plan", chunk_id)  # holds the sentences pinned to §3
    assert "Part of it is already in §3" in status and "remove that quotation first" in note.notice
    assert len(act.drafts.get(draft_id).section("plan").items) == 1
    act.pin("ana", draft_id, "plan", chunk_id, highlights=["The mayor chairs it."])  # words not there yet: added
    assert len(act.drafts.get(draft_id).section("plan").items) == 2


def test_a_reader_who_may_not_draft_is_not_told_to_create_one_nor_offered_exports_of_nothing(
        act: Actions) -> None:
    """A viewer with no draft saw "Create one above, or pin an excerpt", which they cannot do, and
    export buttons that only said "Choose a draft to export"."""
    view = act.view("vic", None, None, "es")
    assert "Aún no se ha compartido ningún borrador con usted." in view and "Cree uno" not in view
    assert "No draft yet. Create one above" in act.view("ana", None, None, "en")  # who may, is told how
    assert not act.may_export("vic", None) and not act.may_export("ana", None)
    act.kb.workspaces("ana").create("Lyon")
    act.kb.workspaces("ana").set_member("Lyon", "vic", "viewer")  # nadia: a viewer of a workspace
    assert "No draft has been shared with you yet." in act.view("vic", None, None, "en")
    draft_id = act.create_draft("ana", "Lyon", "Plan")
    assert act.may_export("vic", draft_id) and act.may_export("ana", draft_id)  # read, so exported
    act.kb.workspaces("ana").create("Oslo")
    other = act.create_draft("ana", "Oslo", "Plan")
    assert not act.may_export("vic", other)  # not theirs to read


def test_a_removed_item_comes_back_with_undo(act: Actions, tmp_path: Path) -> None:
    chunk_id = _one_doc(act, tmp_path, "Referral\n\nConcerns go to the panel.")
    draft_id = act.create_draft("ana", "Lyon", "Plan")
    act.pin("ana", draft_id, "coordination", chunk_id)
    act.add_note("ana", draft_id, "coordination", "We meet weekly.")
    first = act.drafts.get(draft_id).section("coordination").items[0]
    removed = act.item_action("ana", "remove", first.id)
    view = act.view("ana", draft_id, "coordination", "en", removed)
    assert "Removed “Concerns go to the panel.”" in view and 'data-act="restore"' in view
    act.restore_item("ana", removed)
    items = act.drafts.get(draft_id).section("coordination").items
    assert [i.id for i in items] == [first.id, items[1].id] and items[0].text == first.text
    with pytest.raises(UiError, match="nothing to undo"):
        act.restore_item("ana", None)


def test_exports_have_clean_names_and_references_carry_url_and_author(act: Actions, tmp_path: Path) -> None:
    chunk_id = _one_doc(act, tmp_path, "Referral\n\nConcerns go to the panel.", city="Riverton", country="US",
                        source_url="https://riverton.example/plan")
    draft_id = act.create_draft("ana", "Riverton", None)
    act.pin("ana", draft_id, "coordination", chunk_id)
    assert act.export("ana", draft_id, "docx").name == "riverton-local-prevention-framework-draft.docx"
    assert act.export("ana", draft_id, "markdown").name == "riverton-local-prevention-framework-draft.md"
    csl_path = act.export("ana", draft_id, "csl-json")
    assert csl_path.name == "riverton-local-prevention-framework-references.json"
    # named in the drafter's language ("-draft" was English on every page)
    assert act.export("ana", draft_id, "docx", "es").name == "riverton-local-prevention-framework-borrador.docx"
    assert act.export("ana", draft_id, "csl-json", "de").name == "riverton-local-prevention-framework-literatur.json"
    ref = json.loads(csl_path.path.read_text(encoding="utf-8"))[0]
    assert ref["URL"] == "https://riverton.example/plan" and ref["author"] == [{"literal": "Riverton"}]
    md = act.export("ana", draft_id, "markdown", "es").path.read_text(encoding="utf-8")
    assert "## Referencias" in md


def test_filters_speak_the_users_words_and_more_like_this_keeps_them(act: Actions, tmp_path: Path) -> None:
    a = write(tmp_path / "in", "a.txt", "Referral\n\nConcerns about a young person go to the referral panel.")
    b = write(tmp_path / "in", "b.txt", "Referral\n\nA concern about a young person goes to the panel for referral.")
    c = write(tmp_path / "in", "c.txt", "Panel\n\nThe referral panel hears concerns about young people.")
    act.add("ana", [a], None, {**EMPTY_FORM, "city": "Lyon"})
    act.add("ana", [b, c], None, {**EMPTY_FORM, "city": "Oslo", "year": "2019"})
    with pytest.raises(UiError) as refused:
        act.search("ana", "referral", {"year_min": "twenty"}, lang="es")
    assert refused.value.text("en") == "Year from: type a year, e.g. 2021 (not “twenty”)."
    assert refused.value.text("es").startswith("Año desde: escriba un año, p. ej. 2021")
    with pytest.raises(UiError) as reversed_range:  # it matched nothing and said only "0 results"
        act.search("ana", "referral", {"year_min": "2025", "year_max": "2023"}, lang="fr")
    assert reversed_range.value.text("fr").startswith("« Année à partir de » (2025) est après « Année jusqu'à » (2023)")
    _, _, same_year = act.search("ana", "referral", {"year_min": "2019", "year_max": "2019"})
    assert same_year.hits
    first = act.on_kb(lambda: act.kb.search("referral panel", k=3))[0]
    _, status, shown = act.similar("ana", first.chunk_id, {"city": ["Oslo"], "year_min": "2019"})
    assert shown.hits and {h.city for h in shown.hits} == {"Oslo"} and "within your filters" in status
    # a filter that leaves no other document: said once, naming the filters ("0 passagem ..." above
    # "Nada de semelhante noutros documentos" blamed the collection, and in the singular)
    lyon = next(h for h in act.on_kb(lambda: act.kb.search("referral panel", k=3)) if h.city == "Lyon")
    cards, status, shown = act.similar("ana", lyon.chunk_id, {"city": ["Lyon"]}, lang="pt")
    assert not shown.hits and status == ""
    assert "Nada de semelhante dentro dos seus filtros: retire um filtro" in cards and "noutros" not in cards
    cards, status, _ = act.similar("ana", lyon.chunk_id, {"city": ["Lyon"]})
    assert status == "" and "Nothing similar within your filters" in cards


def test_a_search_no_passage_shares_a_word_with_says_so(act: Actions, tmp_path: Path) -> None:
    """Dense search always returns its nearest passages; for a made-up word they are unrelated, and
    "1 result for ..." alone made them look like matches."""
    doc = write(tmp_path / "in", "a.txt", "Referral\n\nConcerns go to the multi-agency panel.")
    act.add("ana", [doc], None, EMPTY_FORM)
    _, status, shown = act.search("vic", "xqzvbnmplk", {}, lang="es")
    assert shown.hits and "Ningún pasaje contiene estas palabras" in status
    _, status, _ = act.search("vic", "multi-agency panel", {})
    assert "No passage contains" not in status
    assert act.kb.words_known("panel xqzvbnmplk") == 0.5


def test_a_theme_stored_by_its_name_and_by_its_tag_is_one_filter_choice_that_finds_both(
    act: Actions, tmp_path: Path
) -> None:
    """QA: after "derivación" was saved as a theme of its own (before names were read as themes), the
    Temas filter listed "derivación" twice, and choosing one missed the other's documents."""
    from ui.handlers import filter_choices

    act.add("ana", [write(tmp_path / "in", "a.txt", "Referral\n\nConcerns go to the multi-agency panel.")], None,
            {**EMPTY_FORM, "themes": "referral"})
    act.add("ana", [write(tmp_path / "in", "b.txt", "Derivación\n\nLas dudas van a la mesa de derivación.")], None,
            EMPTY_FORM)
    old = next(d for d in act.kb.documents() if d.source == "b.txt")
    act.kb.update_metadata(old.id, {**old.metadata, "themes": ["derivación"]})  # as stored by the old form
    assert filter_choices(act, "es")["themes"] == [("derivación", "referral")]
    _, _, shown = act.search("vic", "panel derivación", {"themes": ["referral"]}, lang="es")
    assert {h.source for h in shown.hits} == {"a.txt", "b.txt"}


def test_language_and_country_filters_are_in_the_order_of_their_names(act: Actions, tmp_path: Path) -> None:
    from ui.handlers import filter_choices

    for name, text, country, region in (
        ("a.txt", "Referral\n\nConcerns about a young person go to the multi-agency panel every week.", "GB", "Europe"),
        ("b.txt", "Ausstieg\n\nDie Beratung hilft Menschen, die eine extremistische Szene verlassen wollen.", "DE",
         "Europe"),
        ("c.txt", "الإحالة\n\nتذهب المخاوف بشأن الشباب إلى اللجنة المشتركة بين الجهات كل أسبوع.", "MA",
         "Middle East and North Africa"),
        ("d.txt", "Mediación\n\nLa mesa de prevención se reúne cada mes con los vecinos del barrio.", "EG",
         "Latin America"),
    ):
        act.add("ana", [write(tmp_path / "in", name, text)], None, {**EMPTY_FORM, "country": country, "region": region})
    choices = filter_choices(act, "fr")  # codes DE, EG, GB, MA; ar, de, en, es
    assert [label for label, _ in choices["country"]] == ["Allemagne", "Égypte", "Maroc", "Royaume-Uni"]
    assert [label for label, _ in choices["language"]] == ["allemand", "anglais", "arabe", "espagnol"]
    # regions too, named in the page language (QA: the German filter listed "Europe, Latin America ...")
    assert filter_choices(act, "de")["region"] == [("Europa", "Europe"), ("Lateinamerika", "Latin America"),
                                                   ("Naher Osten und Nordafrika", "Middle East and North Africa")]


def test_a_new_region_is_saved_and_said_with_the_regions_in_use(act: Actions, tmp_path: Path) -> None:
    act.add("ana", [write(tmp_path / "in", "a.txt", "Referral\n\nConcerns go to the panel.")], None,
            {**EMPTY_FORM, "region": "Latin America"})
    act.add("ana", [write(tmp_path / "in2", "b.txt", "Youth work\n\nYouth workers meet schools.")], None,
            {**EMPTY_FORM, "region": "Europe"})
    doc = act.kb.document("b.txt")
    assert doc is not None
    said = act.update_metadata("ana", doc.id, {**act.metadata_of("ana", doc.id), "region": "Americas"})
    assert "Saved the metadata" in said and "“<bdi>Americas</bdi>” is a new region" in said
    assert "Europe, Latin America" in said or "Latin America, Europe" in said
    assert act.kb.document(doc.id).metadata["region"] == "Americas"  # free text: saved all the same
    said = act.update_metadata("ana", doc.id, {**act.metadata_of("ana", doc.id), "region": "Latin America"})
    assert "new region" not in said


def test_purging_asks_i_am_sure_first(act: Actions, tmp_path: Path) -> None:
    act.add("ana", [write(tmp_path / "in", "a.txt", "Referral\n\nConcerns go to the panel.")], None, EMPTY_FORM)
    doc = act.kb.documents()[0]
    act.remove("ana", doc.id, True)
    _, choices = act.trash_rows("ana", "en")
    with pytest.raises(UiError, match="I am sure"):
        act.purge("ana", choices[0][1], False)
    assert act.kb.trash.find("document", doc.id) is not None, "nothing purged"
    act.purge("ana", choices[0][1], True)
    assert act.kb.trash.find("document", doc.id) is None


def test_the_trash_lists_dates_as_the_page_language_writes_them(act: Actions, tmp_path: Path) -> None:
    act.add("ana", [write(tmp_path / "in", "a.txt", "Referral\n\nConcerns go to the panel.")], None, EMPTY_FORM)
    act.remove("ana", act.kb.documents()[0].id, True)
    rows, _ = act.trash_rows("ana", "fr")
    removed, purge = rows[0][5], rows[0][6]
    assert "T" not in removed and "Z" not in removed and str(datetime.now(UTC).year) in removed  # not ISO
    assert ":" not in purge and str((datetime.now(UTC) + timedelta(days=30)).year) in purge  # a day
    assert rows[0][3] == "a.txt"  # a document's file ...
    draft_id = act.create_draft("ana", "Lyon", "Plan")
    act.delete_draft("ana", draft_id, True)
    rows, _ = act.trash_rows("ana", "fr")
    assert [r[3] for r in rows if r[2] == "Plan"] == ["Ville : Lyon"]  # ... a draft's city, said as one


def test_an_arabic_drafters_export_is_arabic_and_right_to_left(act: Actions, tmp_path: Path) -> None:
    """The page showed Arabic headings but the export wrote the template's English ones, left to right."""
    from docx import Document as DocxDocument
    from docx.oxml.ns import qn

    act.add("ana", [write(tmp_path / "in", "a.txt", "Referral\n\nConcerns go to the panel.")], None,
            {**EMPTY_FORM, "city": "Lyon"})
    draft_id = act.create_draft("ana", "Lyon", "خطة ليون")
    act.pin("ana", draft_id, "coordination", int(act.kb.catalog.chunk_ids()[0]))
    docx = DocxDocument(str(act.export("ana", draft_id, "docx", lang="ar").path))
    assert docx.sections[0]._sectPr.find(qn("w:bidi")) is not None  # the document, not only its paragraphs
    texts = [p.text for p in docx.paragraphs]
    assert texts[1].startswith("الإطار المحلي للوقاية") and "City-led" not in "\n".join(texts)
    heading = next(p for p in docx.paragraphs if p.style.name == "Heading 1")
    assert heading._p.pPr.find(qn("w:bidi")) is not None  # an Arabic heading, laid out right to left
    reference = docx.paragraphs[-1]  # "[1] Referral — Lyon": a Latin title, in an Arabic list
    assert reference.text.startswith("[1] Referral — Lyon") and reference._p.pPr.find(qn("w:bidi")) is not None
    md = act.export("ana", draft_id, "markdown", lang="ar").path.read_text(encoding="utf-8")
    assert "## Coordination" not in md and "## المراجع" in md
    english = DocxDocument(str(act.export("ana", draft_id, "docx", lang="en").path))
    assert english.sections[0]._sectPr.find(qn("w:bidi")) is None
    assert english.paragraphs[1].text.startswith("Local framework for preventing hate")


def test_an_exports_references_are_written_in_the_drafters_language(act: Actions, tmp_path: Path) -> None:
    """A Spanish draft's references said "FR" and "p. 2" where the page said "Francia" and "pág. 2"; the
    reference numbers and CSL-JSON's structured fields stay as they were."""
    import json

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "in" / "plan.pdf"
    pdf.parent.mkdir(parents=True)
    c = canvas.Canvas(str(pdf), pagesize=A4)
    c.drawString(72, 760, "Overview of the plan")
    c.showPage()
    c.drawString(72, 760, "Concerns go to the multi-agency referral panel every week.")
    c.save()
    act.add("ana", [pdf], None, {**EMPTY_FORM, "title": "Lyon plan", "city": "Lyon", "country": "FR", "year": "2024",
                                 "doc_type": "pilot-output"})
    chunk = next(c for c in act.kb.chunks_of(act.kb.documents()[0].id) if c.page == 2)
    draft_id = act.create_draft("ana", "Lyon", "Plan de Lyon")
    act.pin("ana", draft_id, "coordination", chunk.id)
    stored = act.kb.drafts.get(draft_id).items()[0].citation
    assert stored == "Lyon plan — Lyon, FR (2024), p. 2"
    md = act.export("ana", draft_id, "markdown", lang="es").path.read_text(encoding="utf-8")
    assert "1. Lyon plan — Lyon, Francia (2024), pág. 2" in md and "[1]" in md and stored not in md
    english = act.export("ana", draft_id, "markdown", lang="en").path.read_text(encoding="utf-8")
    assert "1. Lyon plan — Lyon, France (2024), p. 2" in english  # the country by name, as the cards say it
    csl = json.loads(act.export("ana", draft_id, "csl-json", lang="es").path.read_text(encoding="utf-8"))
    assert csl[0]["publisher-place"] == "Lyon, FR" and csl[0]["page"] == "2"
    # the document type by its Spanish name, as the page's choices say it: the code is internal
    assert csl[0]["genre"] == t("es", "choice.doc_type.pilot-output") != "pilot-output"
    assert "Francia" in act.view("ana", draft_id, "coordination", "es")  # as the page shows it


def test_only_an_account_can_be_made_a_workspace_member_from_the_page(act: Actions) -> None:
    act.workspace_action("ana", "create", "Lyon")
    with pytest.raises(UiError, match="There is no user 'nobody'"):
        act.workspace_action("ana", "member", "Lyon", "nobody", "drafter")
    assert "vic" in act.workspace_action("ana", "member", "Lyon", "vic", "viewer")
    assert act.kb.workspaces().members("Lyon") == {"vic": "viewer"}


def test_a_search_of_a_knowledge_base_with_no_documents_says_where_to_add_them(tmp_path: Path) -> None:
    """QA pass 13: a new KB's first search said "No results. Try other words, another language, or fewer
    filters", and a section's suggested searches the same."""
    from kb import KnowledgeBase
    from kb.access import User, hash_password

    pw = hash_password("pw", iterations=1000)
    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    act = Actions(kb, {"claire": User("claire", "coordinator", pw), "vera": User("vera", "viewer", pw)})
    try:
        cards, status, _ = act.search("claire", "youth mentoring", {}, lang="en")
        assert "add the first ones in the “Add documents” tab" in status and "Add documents" in cards
        assert "Try other words" not in cards + status
        _, status, _ = act.search("vera", "mentoría juvenil", {}, lang="es")
        assert "Todavía no hay documentos" in status and "cuando un coordinador" in status
        _, status, _ = act.suggested("claire", act.kb.drafts.framework.keys[0], lang="en")
        assert "There are no documents yet" in status
        # the overview too: a viewer has no "Add documents" tab to be sent to (QA pass 14)
        assert "“Add documents” tab" in act.overview("claire", "en")
        assert "once a coordinator adds some" in act.overview("vera", "en") and "tab" not in act.overview("vera", "en")
    finally:
        act.close()
        kb.close()


def test_a_draft_a_colleague_deleted_is_said_to_be_deleted_to_its_workspace_only(tmp_path: Path) -> None:
    """QA pass 13: ben deleted the draft ana was pinning into; her pin said "There is no draft 2 in your
    workspaces", as if she had tried someone else's."""
    from kb import KnowledgeBase
    from kb.access import User, hash_password

    pw = hash_password("pw", iterations=1000)
    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    (tmp_path / "a.txt").write_text("Referral\n\nConcerns go to the multi-agency panel.", encoding="utf-8")
    assert kb.add([tmp_path / "a.txt"]).ok
    ws = kb.workspaces("claire")
    ws.create("Riverton")
    ws.create("Lakeside")
    for name, place in (("ana", "Riverton"), ("ben", "Riverton"), ("otto", "Lakeside")):
        ws.set_member(place, name, "drafter")
    act = Actions(kb, {n: User(n, "viewer", pw) for n in ("ana", "ben", "otto")})
    try:
        draft = act.create_draft("ana", "Riverton", "Riverton plan")
        act.delete_draft("ben", draft, True)
        chunk = kb.chunks_of(kb.documents()[0].id)[0].id
        with pytest.raises(UiError) as deleted:
            act.pin("ana", draft, "leadership", chunk)
        assert deleted.value.text("en") == ("“Riverton plan” was deleted by ben; a coordinator can put it back from "
                                            "the trash. Choose another draft.")
        with pytest.raises(UiError) as other:  # not of otto's workspace: not even that it existed
            act.pin("otto", draft, "leadership", chunk)
        assert other.value.text("en") == f"There is no draft {draft} in your workspaces."
    finally:
        act.close()
        kb.close()


def test_each_coordinators_section_a_viewer_tries_is_refused_and_recorded_by_name(act: Actions) -> None:
    """The trail said "admin" for any of them, and the workspaces' refusals were not recorded at all."""
    act.workspace_action("ana", "create", "Lyon")
    tries = [
        (lambda: act.trash_rows("vic"), "trash"),
        (lambda: act.purge("vic", "document:1", True), "trash_change"),
        (lambda: act.audit_rows("vic"), "audit"),
        (lambda: act.account_rows("vic"), "accounts"),
        (lambda: act.workspace_rows("vic"), "workspaces"),
        (lambda: act.workspace_action("vic", "member", "Lyon", "vic", "drafter"), "workspaces"),
    ]
    for call, _ in tries:
        with pytest.raises(UiError, match="Only coordinators"):
            call()
    refusals = [(e.actor, e.detail["asked"]) for e in act.kb.log(action="refused")]
    assert refusals == [("vic", asked) for _, asked in tries]
    assert act.kb.workspaces().members("Lyon") == {}
    rows = act.audit_rows("ana", lang="es")
    assert any("leer el registro de auditoría" in row[4] for row in rows), rows


def test_an_excerpt_another_drafter_removed_is_said_to_be_gone_not_an_internal_number(act: Actions) -> None:
    draft_id = act.create_draft("ana", "Lyon", "Plan")
    act.add_note("ana", draft_id, "leadership", "Our own words for this section.")
    item_id = act.kb.drafts.get(draft_id).items()[0].id
    act.item_action("ana", "remove", item_id)  # one page removes it ...
    with pytest.raises(UiError) as gone:  # ... the other, not redrawn yet, moves it
        act.item_action("ana", "down", item_id)
    assert gone.value.msg.key == "error.draft_item_gone" and str(item_id) not in gone.value.text("en")


def test_a_session_starts_on_a_draft_its_user_may_change(tmp_path: Path) -> None:
    """Only shared for reading, the first draft in the menu made every pin fail ("you can read ...
    but not change it"): the session starts on the first draft the user drafts in."""
    from kb import KnowledgeBase
    from kb.access import User, hash_password

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    ws = kb.workspaces("alice")
    riverton, lyon = ws.create("Riverton"), ws.create("Lyon")
    ws.set_member("Riverton", "vic", "viewer")
    ws.set_member("Lyon", "vic", "drafter")
    own = kb.drafts.create("Lyon", "Lyon plan", lyon.id)
    read_only = kb.drafts.create("Riverton", "A Riverton plan", riverton.id)  # newer: first in the menu
    pw = hash_password("vic-password", iterations=1000)
    act = Actions(kb, {"alice": User("alice", "coordinator", pw), "vic": User("vic", "viewer", pw),
                       "bea": User("bea", "viewer", pw)})
    try:
        choices = act.draft_choices("vic")
        assert [i for _, i in choices] == [read_only.id, own.id]  # the menu still lists both
        assert act.first_draft("vic", choices) == own.id
        # A colleague's newer draft in the same workspace does not take over: the session resumes the
        # draft this user last changed (a pin went into the colleague's draft, silently, before).
        ws.set_member("Lyon", "bea", "drafter")
        act.add_note("vic", own.id, "leadership", "Our words.")
        colleagues = kb.drafts.by("bea").create("Lyon", "Bea's plan", lyon.id)
        choices = act.draft_choices("vic")
        assert choices[0][1] == colleagues.id and act.first_draft("vic", choices) == own.id
        act.add_note("vic", colleagues.id, "leadership", "Helping Bea.")  # then they work in hers
        assert act.first_draft("vic", act.draft_choices("vic")) == colleagues.id
        assert act.first_draft("bea", act.draft_choices("bea")) == colleagues.id  # she never changed another
        ws.set_member("Lyon", "vic", "viewer")
        choices = act.draft_choices("vic")
        assert act.first_draft("vic", choices) == choices[0][1]  # nothing to change: the first
        assert act.first_draft("vic", []) is None
    finally:
        act.close()
        kb.close()


def _two_cities(tmp_path: Path, other_drafter: str) -> tuple[Any, Any, Any]:
    """A KB with the workspaces Puerto Almendral (drafter lucia, her private draft "Marco local") and
    Oued Nour (drafter `other_drafter`): (the KB, Oued Nour, lucia's draft)."""
    from kb import KnowledgeBase

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    ws = kb.workspaces("root")
    almendral, oued = ws.create("Puerto Almendral"), ws.create("Oued Nour")
    ws.set_member("Puerto Almendral", "lucia", "drafter")
    ws.set_member("Oued Nour", other_drafter, "drafter")
    return kb, oued, kb.drafts.by("lucia").create("Puerto Almendral", "Marco local", almendral.id)


def test_a_coordinator_of_a_city_without_a_draft_starts_on_none(tmp_path: Path) -> None:
    """A coordinator may change every city's draft, but Amal (Oued Nour, no draft yet) pinned into
    Lucía's private Puerto Almendral draft without a word: a coordinator who belongs to a workspace
    starts on one of its drafts, or on none (the card then offers a draft for her city); a
    coordinator of no workspace, and single-user mode, still start on the first draft."""
    from kb import KnowledgeBase
    from kb.access import User, hash_password

    kb, oued, theirs = _two_cities(tmp_path, "amal")
    pw = hash_password("a-password", iterations=1000)
    act = Actions(kb, {name: User(name, "coordinator", pw) for name in ("lucia", "amal", "nora")})
    try:
        choices = act.draft_choices("amal")
        assert [i for _, i in choices] == [theirs.id]  # she may see and change it ...
        assert act.first_draft("amal", choices) is None  # ... but it is not where her pins go
        assert act.card_rights("amal", None).pin  # the card offers to start her own ...
        assert act.home_city("amal") == "Oued Nour" and act.home_city("nora") == ""  # ... for her city
        assert act.first_draft("nora", act.draft_choices("nora")) == theirs.id  # network staff, no city
        own = kb.drafts.by("amal").create("Oued Nour", "خطة وادي النور", oued.id)
        assert act.first_draft("amal", act.draft_choices("amal")) == own.id
    finally:
        act.close()
        kb.close()
    with KnowledgeBase(tmp_path / "solo", embedder="hash") as solo:
        only = solo.drafts.create("Lyon", "Lyon plan")
        single = Actions(solo, {})
        try:
            assert single.first_draft(None, single.draft_choices(None)) == only.id
        finally:
            single.close()


def test_the_draft_on_screen_names_its_framework_in_the_page_language(act: Actions) -> None:
    """The export wrote the template's title in Spanish; the page showed it in English."""
    draft_id = act.create_draft("ana", "Lyon", "Plan")
    html = act.view("ana", draft_id, None, "es")
    assert "Marco local para prevenir el odio" in html and "Local framework for preventing" not in html


def test_a_card_offers_only_the_buttons_that_would_work(act: Actions, tmp_path: Path) -> None:
    """A workspace viewer saw Pin and "Add to directory" on every card, and each click was refused."""
    doc = write(tmp_path / "in", "a.txt", "Referral\n\nConcerns go to the multi-agency panel.")
    act.add("ana", [doc], None, {**EMPTY_FORM, "city": "Lyon", "country": "FR", "year": "2020"})
    ws = act.kb.workspaces("ana")
    lyon = ws.create("Lyon")
    ws.set_member("Lyon", "vic", "viewer")
    plan = act.kb.drafts.create("Lyon", "Lyon plan", lyon.id)

    def buttons(user: str, draft_id: int | None) -> set[str]:
        cards, _, _ = act.search(user, "multi-agency panel", {}, draft_id=draft_id)
        return {b for b in ("pin", "directory") if f'data-act="{b}"' in cards}

    assert buttons("vic", plan.id) == set()  # may read the draft, change nothing
    assert buttons("vic", None) == set()  # and may start no draft anywhere
    chunk = int(act.kb.catalog.chunk_ids()[0])
    assert 'data-act="pin"' not in act.reader("vic", chunk, [], "en", draft_id=plan.id)  # the reader: nor there
    act.kb.drafts.pin(plan.id, "monitoring", act.kb.catalog.chunks([chunk])[chunk])
    assert 'data-act="remove"' not in act.view("vic", plan.id, None, "en")  # the draft's items: no ↑ ↓ ✕
    assert 'data-act="remove"' in act.view("ana", plan.id, None, "en")
    assert not act.may_draft("vic") and act.may_draft("ana")  # the page's drafting controls (ui.handlers)
    assert buttons("ana", plan.id) == buttons("ana", None) == {"pin", "directory"}
    ws.set_member("Lyon", "vic", "drafter")
    assert buttons("vic", plan.id) == {"pin", "directory"}  # the draft's own directory
    assert act.may_draft("vic") and 'data-act="remove"' in act.view("vic", plan.id, None, "en")
    assert 'data-act="pin"' in act.reader("vic", chunk, [], "en", draft_id=plan.id)
    assert buttons("vic", None) == {"pin"}  # a new draft, but the network's directory is a coordinator's
    status, _ = act.pin("vic", plan.id, "coordination", act.kb.catalog.chunk_ids()[0])
    assert "§5" in status and "Added to" in status


def test_pin_left_to_the_passage_goes_to_the_section_it_speaks_to(act: Actions, tmp_path: Path) -> None:
    """Search's section menu starts on "the passage's own section": a first pin no longer lands in §1
    because no one chose a section."""
    from ui.draft_actions import AUTO_SECTION

    doc = write(tmp_path / "in", "a.txt", "Referral\n\nConcerns go to the multi-agency panel.")
    act.add("ana", [doc], None, {**EMPTY_FORM, "city": "Lyon", "country": "FR", "year": "2020"})
    chunk = int(act.kb.catalog.chunk_ids()[0])
    act.kb.atlas.store.write([chunk], [{"coordination": 0.7, "leadership": 0.4}], {})  # as the labeller would
    assert act.kb.chunk_section(chunk) == "coordination"
    draft_id = act.create_draft("ana", "Lyon", "Plan")
    status, _ = act.pin("ana", draft_id, AUTO_SECTION, chunk)
    assert "Added to “<bdi>Plan — Lyon</bdi>”, §5" in status  # coordination, the fifth section
    assert [i.section_key for i in act.kb.drafts.get(draft_id).items()] == ["coordination"]
    assert act.section_choices("es", auto=True)[0] == ("La sección del propio extracto (sugerida)", AUTO_SECTION)
    assert AUTO_SECTION not in {key for _, key in act.section_choices("es")}  # not a section to draft in


def test_the_sign_in_message_is_given_in_the_visitors_language_in_gradios_answer() -> None:
    """Before signing in, Gradio's config answer (401) names the sign-in message; the gate gives it in
    the language of the address opened (?lang=), else of the browser."""
    import json

    from ui.gate import _browser_language, _with_message, sign_in_language, sign_in_message

    def scope(query: str = "", **headers: str) -> dict:
        return {"type": "http", "method": "GET", "path": "/config", "query_string": query.encode(),
                "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]}

    assert sign_in_language(scope(accept_language="de-AT,de;q=0.9,en;q=0.5")) == "de"
    assert sign_in_language(scope(accept_language="ja")) == "en"
    assert sign_in_language(scope(referer="http://x/?lang=ar", accept_language="fr")) == "ar"
    assert sign_in_language(scope("lang=pt", accept_language="fr")) == "pt"
    assert sign_in_language(scope("lang=xx", accept_language="fr")) == "fr"
    answer = json.dumps({"detail": {"error": "Not authenticated", "auth_message": "Sign in."}}).encode()
    detail = json.loads(_with_message(answer, sign_in_message("ar")))["detail"]
    assert detail["error"] == "Not authenticated" and 'dir="rtl"' in detail["auth_message"]
    assert "سجّل الدخول" in detail["auth_message"] and "direction: rtl" in detail["auth_message"]
    assert "direction" not in sign_in_message("es") and "Inicie sesión" in sign_in_message("es")
    assert _with_message(b"not json", "x") == b"not json"
    assert b"navigator, 'language', {get: () => \"de\"}" in _browser_language("de")
    assert b'document.documentElement.lang = "de";' in _browser_language("de")


def test_the_upload_bar_never_moves_back() -> None:
    """QA: "Reading scan.pdf (file 1 of 7) 2.0%", then its first page "1.4%": the reading step and the
    page step are reported on two scales; the bar shows the furthest reached, with the newest words."""
    from ui.upload_progress import with_progress

    shown: list[tuple[float, str]] = []

    def work(report: Callable[[float, str], None]) -> str:
        for fraction, desc in ((0.02, "reading"), (0.014, "page 1 of 2"), (0.143, "page 2 of 2")):
            report(fraction, desc)
        return "done"

    assert with_progress(lambda f, desc: shown.append((f, desc)), work) == "done"
    assert shown == [(0.02, "reading"), (0.02, "page 1 of 2"), (0.143, "page 2 of 2")]


def test_a_search_status_is_said_again_in_a_new_page_language(act: Actions, tmp_path: Path) -> None:
    """QA: after a language switch the cards were redrawn but "10 résultats pour …" was dropped."""
    act.add("ana", [write(tmp_path / "in", "a.txt", "Referral\n\nConcerns go to the multi-agency panel.")], None,
            {**EMPTY_FORM, "city": "Lyon", "country": "FR"})
    _, status, shown = act.search("vic", "multi-agency panel", {}, lang="fr")
    assert "multi-agency panel" in status and shown.status("fr") == status
    german = shown.status("de")
    assert "multi-agency panel" in german and german != status and german.startswith("<")
    # on an Arabic page the Latin query reads in its own direction (QA: "«?Wie werden …»")
    _, arabic, _ = act.search("vic", "Wie wird verwiesen?", {}, lang="ar")
    assert "«<bdi>Wie wird verwiesen?</bdi>»" in arabic
    _, said, shown = act.search("vic", "  ", {}, lang="pt")  # the button with an empty box says what to do (QA)
    assert said == shown.status("pt") and "Escreva" in said and 'role="status"' in said


def test_only_who_may_change_a_draft_records_its_city_profile(tmp_path: Path) -> None:
    """A viewer of Oued Nour set its draft's city profile to Harrow Bend ("Use this profile"): the
    button showed and the server only asked whether viewers may draft. Now it asks the draft's rule,
    shows the button only where it works, and the change is in the audit trail."""
    from kb import KnowledgeBase
    from kb.access import User, hash_password

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    ws = kb.workspaces("root")
    oued = ws.create("Oued Nour")
    ws.set_member("Oued Nour", "amal", "drafter")
    ws.set_member("Oued Nour", "victor", "viewer")
    draft = kb.drafts.by("amal").create("Oued Nour", "Plan", oued.id)
    pw = hash_password("a-password", iterations=1000)
    act = Actions(kb, {"amal": User("amal", "viewer", pw), "victor": User("victor", "viewer", pw)})
    profile = {"population_band": "50k-250k"}
    try:
        assert not act.may_change_draft("victor", draft.id)
        with pytest.raises(UiError) as refused:
            act.record_draft_profile("victor", draft.id, profile)
        assert refused.value.msg.key == "error.workspace.read_only"
        assert kb.draft_profile(draft.id) is None
        assert act.may_change_draft("amal", draft.id) and not act.may_change_draft("amal", None)
        act.record_draft_profile("amal", draft.id, profile)
        assert kb.draft_profile(draft.id).population_band == "50k-250k"
        assert [(e.actor, e.target) for e in kb.log(action="draft.profile")] == [("amal", f"draft {draft.id}")]
    finally:
        act.close()
        kb.close()


def test_account_changes_from_the_command_line_reach_a_running_server(tmp_path: Path) -> None:
    """QA: `kb user disable victor` while the server ran, and victor still signed in; `kb user add
    tomas` and tomas was refused, until someone changed an account from the page."""
    from kb import KnowledgeBase
    from kb.access import add_user, authenticate, load_users, set_disabled

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    path = tmp_path / "home" / "users.json"
    add_user(path, "ana", "coordinator", "ana-password", iterations=1000)
    add_user(path, "victor", "viewer", "victor-password", iterations=1000)
    act = Actions(kb, load_users(kb.settings.home))
    try:
        assert authenticate(act.users, "victor", "victor-password") and act.role("victor") == "viewer"
        set_disabled(path, "victor", True)  # what `kb user disable victor` does
        add_user(path, "tomas", "viewer", "tomas-password", iterations=1000)
        assert not authenticate(act.users, "victor", "victor-password")
        with pytest.raises(UiError) as gone:
            act.role("victor")  # a session already open ends too
        assert gone.value.msg.key == "error.account_disabled"
        assert authenticate(act.users, "tomas", "tomas-password")
    finally:
        act.close()
        kb.close()
    with KnowledgeBase(tmp_path / "solo", embedder="hash") as solo:  # single-user mode stays so
        single = Actions(solo, {})
        try:
            add_user(tmp_path / "solo" / "users.json", "eve", "viewer", "eve-password", iterations=1000)
            assert single.local and single.role(None)
        finally:
            single.close()


def test_the_accounts_panel_says_where_each_account_drafts_or_reads(tmp_path: Path) -> None:
    """QA: the panel listed pedro, a drafter of Villa Nueva, as a "lector" (his role on the network) and
    nothing more."""
    from kb import KnowledgeBase
    from kb.access import add_user, load_users

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    path = tmp_path / "home" / "users.json"
    for name, role in (("ana", "coordinator"), ("pedro", "viewer"), ("vic", "viewer")):
        add_user(path, name, role, f"{name}-password-1", iterations=1000)
    act = Actions(kb, load_users(kb.settings.home))
    try:
        act.workspace_action("ana", "create", "Villa Nueva")
        act.workspace_action("ana", "create", "Lyon")
        act.workspace_action("ana", "member", "Villa Nueva", "pedro", "drafter")
        act.workspace_action("ana", "member", "Lyon", "pedro", "viewer")
        rows = {r[0]: r for r in act.account_rows("ana", "es")}
        assert rows["pedro"][1:] == ["lector", "Villa Nueva (redactor); Lyon (lector)", "Activa"]
        assert rows["vic"][2] == "" and rows["ana"][2] == ""
    finally:
        act.close()
        kb.close()


def test_a_draft_shared_for_reading_offers_its_reader_no_changing_controls(tmp_path: Path) -> None:
    """QA: Oued Nour's drafter reading Puerto Almendral's shared draft saw "Add note", "Rename", "Delete"
    and "Share", each only refusing: they show only for a working draft the reader may change."""
    from kb.access import User, hash_password

    kb, oued, theirs = _two_cities(tmp_path, "nadia")
    mine = kb.drafts.by("nadia").create("Oued Nour", "Plan", oued.id)
    kb.workspaces("lucia").share(theirs.id, oued.id)
    pw = hash_password("a-password", iterations=1000)
    act = Actions(kb, {"lucia": User("lucia", "viewer", pw), "nadia": User("nadia", "viewer", pw)})
    try:
        assert theirs.id in [i for _, i in act.draft_choices("nadia")]  # she reads it ...
        assert not act.may_change_draft("nadia", theirs.id) and act.may_change_draft("nadia", mine.id)
        assert act.may_change_draft("lucia", theirs.id) and not act.may_change_draft("lucia", None)
    finally:
        act.close()
        kb.close()


def test_the_share_menu_offers_other_workspaces_and_says_where_a_draft_is_shared(tmp_path: Path) -> None:
    """QA: the menu offered the draft's own workspace, and nothing said where it was shared already."""
    kb, oued, draft = _two_cities(tmp_path, "nadia")
    act = Actions(kb, {})
    try:
        assert act.share_choices("es", draft.id) == [("Toda la red (solo lectura)", "network"), ("Oued Nour", str(oued.id))]
        kb.workspaces("root").share(draft.id, oued.id)
        assert ("Oued Nour (compartido ahora)", str(oued.id)) in act.share_choices("es", draft.id)
        assert len(act.share_choices("es")) == 3  # no draft chosen: every workspace
    finally:
        act.close()
        kb.close()


def test_a_coordinators_status_lines_isolate_the_values_they_quote_on_an_arabic_page(act: Actions,
                                                                                     tmp_path: Path) -> None:
    """QA: "Saved the metadata of “…”" and the other status lines put a Latin title inside an Arabic
    sentence as one run of text, so its words and the sentence's quote marks were reordered."""
    act.add("ana", [write(tmp_path / "in", "a.txt", "Referral (Lyon)\n\nConcerns go to the panel.")], None,
            {**EMPTY_FORM, "title": "Referral (Lyon)"})
    doc = act.kb.document("a.txt")
    assert doc is not None
    saved = act.update_metadata("ana", doc.id, act.metadata_of("ana", doc.id), lang="ar")
    removed = act.remove("ana", doc.id, True, lang="ar")
    for said in (saved, removed):
        assert "<bdi>Referral (Lyon)</bdi>" in said and 'dir="auto"' in said
    assert "<bdi>a.txt</bdi>" in removed


def test_a_card_whose_document_left_the_knowledge_base_says_so_and_offers_no_buttons(act: Actions,
                                                                                   tmp_path: Path) -> None:
    """QA pass 13: a card stayed as it was after its document went to the trash; only a click on it said so."""
    for name, text in (("a.txt", "Referral\n\nConcerns go to the multi-agency panel."),
                       ("b.txt", "Mentoring\n\nYouth mentors meet the multi-agency panel monthly.")):
        act.add("ana", [write(tmp_path / "in", name, text)], None, EMPTY_FORM)
    _, _, shown = act.search("ana", "multi-agency panel", {})
    assert len(shown.hits) == 2
    before = act.cards("ana", shown)
    assert "kb-gone" not in before and before.count('data-act="more"') == 2
    act.remove("ana", act.kb.document("a.txt").id, True)
    after = act.cards("ana", shown)
    assert after.count("kb-gone") == 1 and after.count('data-act="more"') == 1
    gone = after.split('<article class="kb-card kb-gone"')[1].split("</article>")[0]
    assert "no longer in the knowledge base" in gone and "Referral" in gone
    assert "data-act=" not in gone  # nothing left to open, pin, compare or add to the directory


def test_the_upload_line_says_ocr_and_indexing_apart_and_moves_forward() -> None:
    """QA pass 13: a 20-page scan's line said "page 8 of 20" (OCR), then "page 1 of 20" (indexing)."""
    from ui.upload_progress import UploadLine

    said: list[tuple[float, str]] = []
    line = UploadLine("en", 2, lambda fraction, desc: said.append((round(fraction, 3), desc)))
    line.start("/up/scan.pdf")
    for page in (1, 20):
        line.step("/up/scan.pdf", 0, 1, page, 20, ocr=True)
    for page in (1, 20):
        line.step("/up/scan.pdf", page, 20, page, 20)
    line.tick(1, 2, "/up/scan.pdf")
    line.step("/up/notes.txt", 1, 4, None, None)
    assert [d for _, d in said] == [
        "Reading scan.pdf (file 1 of 2)",
        "scan.pdf: OCR of page 1 of 20 (file 1 of 2)", "scan.pdf: OCR of page 20 of 20 (file 1 of 2)",
        "scan.pdf: indexing page 1 of 20 (file 1 of 2)", "scan.pdf: indexing page 20 of 20 (file 1 of 2)",
        "notes.txt (file 2 of 2)",
    ]
    fractions = [f for f, _ in said]
    # after the first page (below the start's 2 %: the bar keeps the furthest, `with_progress`) it only moves on
    assert fractions[1:] == sorted(fractions[1:]) and fractions[2] == 0.25  # OCR done: half the file, 1/4 in all
    assert fractions[-1] == pytest.approx((1 + 0.1 + 0.9 / 4) / 2, abs=0.001)  # a text file: 10 % once read
    spanish: list[str] = []
    UploadLine("es", 1, lambda f, d: spanish.append(d)).step("/up/escaneo.pdf", 0, 1, 3, 9, ocr=True)
    assert spanish == ["escaneo.pdf: OCR de la página 3 de 9 (archivo 1 de 1)"]


def test_an_upload_with_a_manifest_that_is_not_one_is_refused_before_any_job(act: Actions, tmp_path: Path) -> None:
    """QA pass 15 (the command line's twin): a manifest without a `file` column failed the job."""
    doc = write(tmp_path / "in", "plan.txt", "Plan\n\nThe deputy mayor chairs the group.")
    manifest = write(tmp_path / "in", "manifest.csv", "name,city\nplan.txt,Bergen\n")
    with pytest.raises(UiError) as err:
        act.add("ana", [doc], manifest, EMPTY_FORM, lang="es")
    assert "manifest.csv" in err.value.text("es") and err.value.msg.key == "error.meta.manifest"
    assert act.kb.jobs.latest(5) == [] and act.kb.documents() == []
