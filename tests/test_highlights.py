"""Highlights: the sentences of a hit that answer the query (kb.searching.highlights)."""

from __future__ import annotations

import numpy as np

from kb.searching.highlights import highlight
from kb.types import Hit

TABLE = ("Programas por público\nCrianças e adolescentes\nPrograma | Organização | O que oferece | Como acessar\n"
         "Escola sem Ódio | Secretaria Municipal de Educação | Rodas de conversa nas escolas | Pela direção da escola\n"
         "Conecta Jovem | Instituto Girassol | Oficinas de educação midiática | Inscrição aberta")


def _hit(text: str) -> Hit:
    return Hit(chunk_id=1, doc_id=1, title="Diretório", city="Campo Lírio", country="BR", text=text, page=None,
               section=(), score=1.0, citation="", source="d.docx", language="pt")


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
