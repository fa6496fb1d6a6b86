"""The directory's and leadership group's operations without a browser: the role rule on the server,
contact fields withheld from viewers (also in exports and when a viewer edits), the form prefilled
from an excerpt, the form's refusals in the page language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.access import User, hash_password
from kb.directory import Entry
from ui.actions import Actions, UiError

FORM = {"name": "", "kind": "", "sector": "", "city": "", "organisation": "", "target_group": "",
        "prevention_level": [], "themes": "", "languages": "", "description": "", "access": "", "address": "",
        "phone": "", "email": "", "website": "", "contact_point": "", "public": False}


@pytest.fixture
def act(tmp_path: Path) -> Iterator[Actions]:
    from kb import KnowledgeBase

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "support.txt").write_text("Support\n\nAnyone can call Turning Point confidentially on weekdays.",
                                      encoding="utf-8")
    assert kb.add([docs], metadata={"city": "Larchmont Ridge", "country": "US"}).ok
    pw = hash_password("pw", iterations=1000)
    a = Actions(kb, {"ana": User("ana", "coordinator", pw), "vic": User("vic", "viewer", pw),
                     "otto": User("otto", "viewer", pw)})
    yield a
    a.on_kb(kb.close)
    a.close()


def test_the_network_directory_is_the_coordinators_and_a_drafts_its_drafters(act: Actions) -> None:
    form = {**FORM, "name": "Turning Point", "sector": "health", "phone": "+1 555 0100"}
    with pytest.raises(UiError, match="viewer cannot change the network directory"):
        act.save_entry("vic", "network", None, form, [])
    with pytest.raises(UiError):
        act.save_entry(None, "network", None, form, [])  # not signed in
    status, saved = act.save_entry("ana", "network", None, form, [])
    assert saved is not None and "Saved" in status
    act.kb.workspaces("ana").create("Larchmont Ridge")
    act.kb.workspaces("ana").set_member("Larchmont Ridge", "vic", "drafter")  # issue 20: a draft's people
    draft = act.create_draft("vic", "Larchmont Ridge")
    _, mine = act.save_entry("vic", str(draft), None, {**form, "name": "Youth desk", "city": ""}, [])
    # someone outside the draft's workspace neither sees nor changes its directory and roster
    with pytest.raises(UiError, match=f"no draft {draft} in your workspaces"):
        act.save_entry("otto", str(draft), None, {**form, "name": "Intruder", "city": ""}, [])
    with pytest.raises(UiError, match=f"no draft {draft} in your workspaces"):
        act.directory_view("otto", str(draft))
    with pytest.raises(UiError, match=f"no draft {draft} in your workspaces"):
        act.add_seat("otto", draft, "Intruder", "police", "observer", "", "en")
    for fmt in ("csv", "docx"):  # QA: a viewer of another workspace exported its directory over the API
        with pytest.raises(UiError, match=f"no draft {draft} in your workspaces"):
            act.export_directory("otto", str(draft), fmt)
    assert all(str(draft) != v for _, v in act.scope_choices("en", "otto"))
    assert mine.draft_id == draft and mine.city == "Larchmont Ridge"  # the draft's city when none is typed
    with pytest.raises(UiError, match="viewer cannot change the network directory"):
        act.remove_entry("vic", saved.id)
    assert act.add_seat("vic", draft, "Larchmont Ridge Police", "police", "observer", "", "en")


def test_a_viewer_never_receives_a_non_public_entrys_contact_fields(act: Actions) -> None:
    act.save_entry("ana", "network", None, {**FORM, "name": "Turning Point", "phone": "+1 555 0100"}, [])
    act.save_entry("ana", "network", None, {**FORM, "name": "Open Line", "phone": "+1 555 0199", "public": True}, [])
    html, _ = act.directory_view("vic", "network")
    assert "555 0100" not in html and "555 0199" in html and "coordinators only" in html
    assert "555 0100" in act.directory_view("ana", "network")[0]
    csv = act.export_directory("vic", "network", "csv").path.read_text(encoding="utf-8-sig")
    assert "555 0100" not in csv and "555 0199" in csv
    from docx import Document

    doc = Document(str(act.export_directory("vic", "network", "docx").path))
    cells = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Turning Point" in cells and "555 0100" not in cells
    # each export is its reader's own file: the coordinator's (with the contact) is not the viewer's
    mine, theirs = act.export_directory("ana", "network", "csv"), act.export_directory("vic", "network", "csv")
    assert mine.path != theirs.path and mine.name == theirs.name == "network-directory.csv"
    assert "555 0100" in mine.path.read_text(encoding="utf-8-sig")
    assert "555 0100" not in theirs.path.read_text(encoding="utf-8-sig")
    assert act.shelf.open(mine.token, mine.name, "vic") is None  # nor fetched by another through ui.gate
    assert act.shelf.open(mine.token, mine.name, "ana") == mine.path
    assert act.export_url(mine) == f"/kb/export/{mine.token}/network-directory.csv"
    assert act.export_directory("ana", "network", "csv", "es").name == "directorio-de-la-red.csv"


def test_a_viewer_editing_a_draft_entry_keeps_the_contact_fields_hidden_from_them(act: Actions) -> None:
    draft = act.create_draft("ana", "Larchmont Ridge")
    act.kb.workspaces("ana").set_member("Larchmont Ridge", "vic", "drafter")  # a drafter of the draft's workspace
    _, entry = act.save_entry("ana", str(draft), None, {**FORM, "name": "Youth desk", "email": "desk@city.example"}, [])
    values, _, _, _ = act.entry_form("vic", entry.id)
    assert values["email"] == ""  # not sent to the viewer
    _, saved = act.save_entry("vic", str(draft), entry.id, {**values, "description": "After school"}, [])
    stored = act.kb.directory.get(entry.id)
    assert stored.description == "After school" and stored.email == "desk@city.example"
    assert saved.id == entry.id


def test_a_save_from_a_form_opened_before_a_colleagues_save_is_refused_and_theirs_kept(act: Actions) -> None:
    """QA pass 13: ana and ben both opened "Riverton Youth Hub"; ana saved what it offers, ben then saved
    who it serves, and his form's older description wrote over hers, both told "Saved"."""
    _, entry = act.save_entry("ana", "network", None, {**FORM, "name": "Riverton Youth Hub"}, [])
    values_a, sources_a, _, editing_a = act.entry_form("ana", entry.id)
    values_b, sources_b, _, editing_b = act.entry_form("ana", entry.id)  # a second page, same entry
    assert editing_a == editing_b and editing_a.startswith(f"{entry.id}:")
    act.save_entry("ana", "network", editing_a, {**values_a, "description": "Homework club"}, sources_a)
    with pytest.raises(UiError) as refused:
        act.save_entry("ana", "network", editing_b, {**values_b, "target_group": "Ages 12-17"}, sources_b)
    assert "changed “Riverton Youth Hub” after you opened it" in refused.value.text("en")
    assert "después de que usted lo abriera" in refused.value.text("es")
    stored = act.kb.directory.get(entry.id)
    assert stored.description == "Homework club" and stored.target_group == ""  # hers kept, nothing written
    # opened again, the entry saves: the form now starts from her version
    values_c, sources_c, _, editing_c = act.entry_form("ana", entry.id)
    _, saved = act.save_entry("ana", "network", editing_c, {**values_c, "target_group": "Ages 12-17"}, sources_c)
    assert saved is not None and (saved.description, saved.target_group) == ("Homework club", "Ages 12-17")


def test_add_to_directory_prefills_the_form_from_the_excerpt(act: Actions) -> None:
    chunk = act.kb.chunks_of(act.kb.documents()[0].id)[0]
    values, sources, note = act.prefill("vic", chunk.id, None,
                                        ["Anyone can call Turning Point confidentially on weekdays."])
    assert values["name"] == "Turning Point" and values["city"] == "Larchmont Ridge"
    assert sources[0]["quote"] == "Anyone can call Turning Point confidentially on weekdays."
    assert sources[0]["chunk_id"] == chunk.id and "Support" in note
    _, sources, note = act.prefill("vic", chunk.id, None, None, "es")  # the source as the cards write it
    assert "Larchmont Ridge, US" in sources[0]["citation"]  # stored as ever
    assert "Larchmont Ridge, Estados Unidos" in note and ", US" not in note
    values, sources, _ = act.prefill("vic", chunk.id, "call  Turning Point", None)  # a browser selection
    assert sources[0]["quote"] == "call Turning Point"


def test_a_form_with_bad_fields_is_refused_in_the_page_language_and_nothing_saved(act: Actions) -> None:
    form = {**FORM, "name": "Turning Point", "email": "nope", "website": "javascript:alert(1)"}
    with pytest.raises(UiError) as err:
        act.save_entry("ana", "network", None, form, [])
    assert "E-mail: “nope” is not an e-mail address" in err.value.text("en")
    assert "Correo electrónico: «nope» no es una dirección de correo electrónico" in err.value.text("es")
    assert act.kb.directory.entries() == []
    act.save_entry("ana", "network", None, {**form, "email": "", "website": ""}, [])
    status, saved = act.save_entry("ana", "network", None, {**form, "name": "turning point", "email": "",
                                                            "website": ""}, [])
    assert saved is None and "already in this directory" in status
    assert len(act.kb.directory.entries()) == 1


def test_the_draft_export_carries_the_directory_and_group_to_their_readers(act: Actions) -> None:
    draft = act.create_draft("ana", "Larchmont Ridge")
    act.kb.directory.add(Entry("Youth desk", sector="youth work", phone="+1 555 0111"), draft)
    act.add_seat("ana", draft, "City of Larchmont Ridge", "municipality", "chair", "Deputy mayor", "en")
    act.kb.workspaces("ana").set_member("Larchmont Ridge", "vic", "viewer")  # a reader of the draft's workspace
    md = act.export("vic", draft, "markdown", "fr").path.read_text(encoding="utf-8")
    # each table in the framework section it belongs to, under that section's heading alone: the
    # directory's own heading repeated §4's ("Directorio de programas y actores" twice, QA pass 7)
    group, directory = md.split("\n## Groupe de pilotage multi-acteurs")[1], md.split("\n## Répertoire des programmes")[1]
    assert group.split("\n## ")[0].count("| City of Larchmont Ridge | Commune | Présidence | Deputy mayor |") == 1
    assert "| Youth desk |" in directory.split("\n## ")[0]
    assert "## Annuaire" not in md and "## Groupe de pilotage\n" not in md
    assert "555 0111" not in md  # the viewer's export keeps the contact fields out
    assert "555 0111" in act.export("ana", draft, "markdown", "en").path.read_text(encoding="utf-8")
    # the sectors still missing, each in the export's language: "research partner" stayed English (QA)
    german = act.export("ana", draft, "markdown", "de").path.read_text(encoding="utf-8")
    assert "Forschungspartner (Hochschule)" in german and "research partner" not in german


def test_a_source_whose_document_is_removed_keeps_its_words_but_no_longer_opens(act: Actions) -> None:
    chunk = act.kb.chunks_of(act.kb.documents()[0].id)[0]
    values, sources, _ = act.prefill("ana", chunk.id, None, ["Anyone can call Turning Point confidentially on weekdays."])
    act.save_entry("ana", "network", None, values, sources)
    assert 'data-act="open-source"' in act.directory_view("ana", "network")[0]
    act.remove("ana", act.kb.documents()[0].id, True)
    html = act.directory_view("ana", "network")[0]
    assert "Anyone can call Turning Point" in html and 'data-act="open-source"' not in html


def test_a_directory_search_on_words_no_entry_holds_says_it_shows_the_closest_in_meaning(act: Actions) -> None:
    act.save_entry("ana", "network", None, {**FORM, "name": "Turning Point"}, [])
    _, status = act.directory_view("ana", "network", "xyzzyq")
    assert "closest in meaning" in status
    _, status = act.directory_view("ana", "network", "Turning Point")
    assert "closest in meaning" not in status


def test_a_viewers_empty_directory_and_group_do_not_tell_them_to_add_what_they_cannot(act: Actions) -> None:
    """A viewer was told to add an entry from a search card, a document's tables or a spreadsheet, and to
    choose or create a draft for the group: none of which they may do."""
    html, _ = act.directory_view("vic", "network", lang="fr")
    assert "Cet annuaire n&#x27;a encore aucune entrée." in html and "Ajoutez-en" not in html
    assert "Add one from a search card" in act.directory_view("ana", "network")[0]  # who may, is told how
    assert "no leadership group to show" in act.group_view("vic", None)
    assert "Choose or create a draft" not in act.group_view("vic", None)
    assert "Choose or create a draft (Drafting tab)" in act.group_view("ana", None)


def test_the_directory_menu_tells_drafts_of_the_same_name_apart_as_the_draft_menu_does(act: Actions) -> None:
    """Two drafts titled alike read "City directory of the draft “Präventionsrahmen”" twice."""
    first = act.create_draft("ana", "Villa Nueva", "Präventionsrahmen")
    second = act.create_draft("ana", "Villa Nueva", "Präventionsrahmen")
    elsewhere = act.create_draft("ana", "Larchmont Ridge", "Präventionsrahmen")
    labels = dict((v, label) for label, v in act.scope_choices("de", "ana"))
    assert labels[str(first)] != labels[str(second)]
    assert f"Präventionsrahmen — Villa Nueva · #{second}" in labels[str(second)]
    assert labels[str(elsewhere)].endswith("„Präventionsrahmen — Larchmont Ridge“")  # alone in its city: no number
    assert all("(0)" not in label for label in labels.values())  # the draft menu's pin count left out


def test_a_seat_without_a_sector_is_told_to_pick_one_from_the_list_or_other(act: Actions) -> None:
    draft = act.create_draft("ana", "Larchmont Ridge")
    with pytest.raises(UiError) as refused:  # a typed "Sport" reaches the server as no sector at all
        act.add_seat("ana", draft, "Larchmont Sports Club", "", "member", "", "en")
    assert "from the list; “Other” when none fits" in refused.value.text("en")
    assert "„Sonstige“" in refused.value.text("de")  # the list's own word for it


def test_directory_and_group_changes_are_in_the_audit_trail_as_the_callers(act: Actions, tmp_path: Path) -> None:
    """QA: the directory's and the group's writes (and a directory export) recorded nothing; now each is
    the acting user's, and the Library's trail says it in the page language."""
    draft = act.create_draft("ana", "Larchmont Ridge")
    _, saved = act.save_entry("ana", "network", None, {**FORM, "name": "Turning Point", "sector": "health"}, [])
    assert saved is not None
    act.save_entry("ana", "network", saved.id, {**FORM, "name": "Turning Point", "sector": "police"}, [])
    act.save_entry("ana", "network", None, {**FORM, "name": "Turning Point", "themes": "youth"}, [], merge=True)
    removed = act.remove_entry("ana", saved.id)
    act.restore_entry("ana", removed)
    sheet = tmp_path / "entries.csv"
    sheet.write_text("name,sector\nOpen Line,health\n", encoding="utf-8")
    act.import_csv("ana", str(draft), str(sheet), False)
    # an imported entry without a source is not said to be typed in (QA: "Saisie à la main ; sans source")
    listed, _ = act.directory_view("ana", str(draft), lang="fr")
    assert "Sans document source : saisie à la main ou importée d&#x27;un tableur." in listed
    act.export_directory("ana", str(draft), "csv")
    act.add_seat("ana", draft, "Larchmont Ridge Police", "police", "observer", "", "en")
    line = next(e for e in act.kb.directory.entries(draft) if e.name == "Open Line")
    act.seat_entry("ana", draft, line.id)
    seat = next(m for m in act.kb.roster.members(draft) if m.organisation == "Larchmont Ridge Police")
    act.unseat("ana", seat.id)
    # removed again from a page that still showed it: said so, the group drawn as it is (QA pass 13)
    assert "had already been removed" in act.unseat("ana", seat.id)
    log = [(e.actor, e.action, e.target) for e in act.kb.log() if e.action.split(".")[0] in ("directory", "group")]
    assert log == [
        ("ana", "directory.add", f"entry {saved.id}"),
        ("ana", "directory.update", f"entry {saved.id}"),
        ("ana", "directory.merge", f"entry {saved.id}"),
        ("ana", "directory.remove", f"entry {saved.id}"),
        ("ana", "directory.restore", log[4][2]),
        ("ana", "directory.import", f"draft {draft}"),
        ("ana", "directory.export", f"draft {draft}"),
        ("ana", "group.add", f"draft {draft}"),
        ("ana", "group.add", f"draft {draft}"),
        ("ana", "group.remove", f"draft {draft}"),
    ]
    rows = act.audit_rows("ana", lang="es")
    words = {row[2]: row for row in rows}
    assert words["Directorio: exportado"][4] == "Entradas: 1; Formato de archivo: CSV"
    assert words["Directorio: hoja de cálculo importada"][3] == f"borrador {draft}"
    assert "Archivo de origen: entries.csv" in words["Directorio: hoja de cálculo importada"][4]  # which file
    assert words["Grupo de liderazgo: puesto retirado"][4] == (
        f"Organización: Larchmont Ridge Police; Rol: Observador; Puesto: {seat.id}; Ámbito: Policía")
    assert "Campos cambiados: Sector (ámbito)" in words["Directorio: entrada modificada"][4]
    when = rows[0][0]  # as the page writes dates, not "2026-12-07T16:09:50Z"
    assert "T" not in when and "Z" not in when and when[:1].isdigit()


def test_the_directorys_word_export_writes_its_references_in_the_readers_language(act: Actions) -> None:
    """The directory's own Word export cited "Campo Lírio, BR (2025)" on a Spanish page, where the
    draft's export (and the page) say "Campo Lírio, Brasil (2025)"."""
    from docx import Document

    from kb.directory import Entry, Source

    source = Source(document="campo-lirio.docx", quote="Escuta Famílias", title="Diretório de programas",
                    citation="Diretório de programas — Campo Lírio, BR (2025)",
                    meta={"city": "Campo Lírio", "country": "BR", "year": 2025})
    act.kb.directory.add(Entry(name="Escuta Famílias", sector="civil society", sources=[source]))
    doc = Document(str(act.export_directory("ana", "network", "docx", "es").path))
    references = [p.text for p in doc.paragraphs if p.text.startswith("[1]")]
    assert references == ["[1] Diretório de programas — Campo Lírio, Brasil (2025)"]


def test_seating_an_entry_twice_is_refused_in_the_readers_language(act: Actions) -> None:
    """"Give it a seat" on an entry whose organisation sits already raised kb's English words."""
    draft = act.create_draft("ana", "Larchmont Ridge")
    line = act.kb.directory.add(Entry("Open Line", sector="health"), draft)
    act.seat_entry("ana", draft, line.id, "es")
    with pytest.raises(UiError) as again:
        act.seat_entry("ana", draft, line.id, "es")
    assert again.value.msg.key == "error.group.seated" and "Open Line" in again.value.text("es")


def test_the_audit_trail_names_a_workspace_rather_than_its_id(act: Actions) -> None:
    """QA pass 11: the trail read "Espace de travail: 1" where the page names workspaces."""
    spaces = act.kb.workspaces("ana")
    spaces.create("Larchmont Ridge")
    spaces.create("Gent")
    draft = act.create_draft("ana", "Larchmont Ridge")
    spaces.share(draft, "Gent")
    shared = next(row for row in act.audit_rows("ana", lang="fr") if "partagé" in row[2])
    assert "Gent" in shared[4] and not any(ch.isdigit() for ch in shared[4]), shared


def test_an_empty_directory_says_so_once(act: Actions) -> None:
    """QA pass 12: "0 entradas." stood above "Este diretório ainda não tem entradas."."""
    html, status = act.directory_view("vic", "network", lang="pt")
    assert "ainda não tem entradas" in html and status == ""
    _, status = act.directory_view("vic", "network", "escolas", lang="pt")  # a search that finds none says it
    assert status
