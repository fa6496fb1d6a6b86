"""Highlights: the sentences of a hit that answer the query (kb.searching.highlights)."""

from __future__ import annotations

import numpy as np

from kb.searching.highlights import highlight, split_sentences
from kb.types import Hit

TABLE = ("Programas por público\nCrianças e adolescentes\nPrograma | Organização | O que oferece | Como acessar\n"
         "Escola sem Ódio | Secretaria Municipal de Educação | Rodas de conversa nas escolas | Pela direção da escola\n"
         "Conecta Jovem | Instituto Girassol | Oficinas de educação midiática | Inscrição aberta")


def _hit(text: str, source: str = "d.docx") -> Hit:
    return Hit(chunk_id=1, doc_id=1, title="Diretório", city="Campo Lírio", country="BR", text=text, page=None,
               section=(), score=1.0, citation="", source=source, language="pt")


def test_a_tables_header_row_is_never_the_highlight_its_rows_are() -> None:
    """QA: a Campo Lírio table card highlighted only "Programa | Organização | O que oferece | Como
    acessar", the header sharing "programa" with the query, not the row about schools."""
    hit = _hit(TABLE)
    highlight([hit], "programa escola", np.zeros(4, np.float32), dense=False, catalog=None, indexes=None)  # type: ignore[arg-type]
    assert hit.highlights and all(not h.startswith("Programa |") for h in hit.highlights)
    assert hit.highlights[0].startswith("Escola sem Ódio |")
    prose = _hit("The programme runs in schools. Another sentence.")  # not a table: as before
    highlight([prose], "programme", np.zeros(4, np.float32), dense=False, catalog=None, indexes=None)  # type: ignore[arg-type]
    assert prose.highlights == ["The programme runs in schools."]


def test_a_pdf_sentence_wrapped_over_lines_is_highlighted_whole() -> None:
    """QA: "Pin highlighted sentences" on Haselwerder's PDF quoted "Erst danach folgt die Nachsorge, in
    der die Kontakte seltener werden und die": the page had wrapped the sentence, and every line was
    taken for a sentence. A heading line and a list item still stand alone; a Word file's lines too."""
    text = ("Die Beratung folgt vier Phasen.\nNachsorge\nIn der Distanzierungsphase setzt sich die Person mit der "
            "Ideologie auseinander. Erst danach folgt die Nachsorge, in der die Kontakte seltener werden und die\n"
            "Person neue Bindungen aufbaut. Sie dauert ein Jahr.\n• Kontakte zur Familie")  # as the PDF reads
    hit = _hit(text, "haselwerder-ausstiegsberatung.pdf")
    highlight([hit], "Nachsorge Bindungen", np.zeros(4, np.float32), dense=False, catalog=None, indexes=None)  # type: ignore[arg-type]
    whole = "Erst danach folgt die Nachsorge, in der die Kontakte seltener werden und die\nPerson neue Bindungen aufbaut."
    assert hit.highlights[-1] == whole and whole in text  # verbatim: the card and the pin find it
    assert split_sentences(text, wrapped=True)[:2] == ["Die Beratung folgt vier Phasen.", "Nachsorge"]
    assert split_sentences(text, wrapped=True)[-1] == "• Kontakte zur Familie"
    assert "Person neue Bindungen aufbaut." in split_sentences(text)  # a DOCX's lines are its paragraphs


def test_a_full_stop_after_an_initial_or_an_abbreviation_does_not_end_the_sentence() -> None:
    """QA: on Haselwerder's first page the highlight and the pinned quote stopped at "Brückenschlag
    Haselwerder e." (the association's "e. V."); a sentence still ends at a full stop before a capital."""
    text = ("Die Stadt Haselwerder hat 2020 gemeinsam mit dem freien Träger „Brückenschlag Haselwerder e. V.“ "
            "das Programm aufgebaut. Das Programm richtet sich z. B. an Jugendliche. Dr. Lenz leitet es. "
            "It costs 5 000 EUR. Another sentence.")
    assert split_sentences(text, wrapped=True) == [
        "Die Stadt Haselwerder hat 2020 gemeinsam mit dem freien Träger „Brückenschlag Haselwerder e. V.“ "
        "das Programm aufgebaut.",
        "Das Programm richtet sich z. B. an Jugendliche.",
        "Dr. Lenz leitet es.",
        "It costs 5 000 EUR.",
        "Another sentence.",
    ]
    assert split_sentences("Plan B. Next steps follow.\nA heading") == ["Plan B. Next steps follow.", "A heading"]
