"""Which directory field a table column holds, from its header, in the corpus's six languages.

A small word list per field (English, Spanish, French, German, Portuguese, Arabic): the words the
starter corpus's tables use (`evals/directory/header_words.json`) and the usual ones a directory in
each language would use. A header matches a field when, folded (case, accents), it is one of the
field's words or contains one as whole words; the longest match wins, so "Lead organisation" is an
organisation and "E-mail address" an e-mail. A column no field claims is kept as a free field under
its own header.
"""

from __future__ import annotations

from collections.abc import Sequence

from kb.directory.folding import fold

__all__ = ["HEADER_WORDS", "map_header", "map_headers", "ENTITY_FIELDS"]

# field -> header words (any language). "names" is a cell listing several organisations; "seat" and
# "role" are a leadership group's columns; "deadline"/"indicator" a plan's (its rows are planned).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "name": (
        "programme", "program", "name", "service", "project", "initiative", "offer", "action",
        "programa", "nombre", "servicio", "proyecto", "iniciativa", "accion", "medida",
        "nom", "dispositif", "projet", "programme ou action",
        "angebot", "programm", "projekt", "massnahme", "bezeichnung",
        "nome", "servico", "projeto",
        "البرنامج", "الاسم", "الإجراء", "المشروع", "الخدمة", "المبادرة", "النشاط",
    ),
    "organisation": (
        "organisation", "organization", "provider", "agency", "lead organisation", "lead organization",
        "run by", "delivered by", "responsible", "lead", "body",
        "organizacion", "entidad", "institucion", "responsable", "entidad responsable",
        "organisme", "structure", "porteur", "operateur", "association",
        "trager", "traeger", "einrichtung", "anbieter", "verantwortlich", "zustandig",
        "organizacao", "instituicao", "entidade",
        "الجهة", "المنظمة", "الجمعية", "الجهة المسؤولة", "الجهة المنفذة", "المؤسسة",
    ),
    "names": (
        "stakeholders", "members", "partners", "organisations", "organizations", "actors",
        "actores", "entidades", "socios", "acteurs", "partenaires", "akteure", "beteiligte", "partner",
        "atores", "parceiros", "الجهات الفاعلة", "الفاعلون", "الشركاء",
    ),
    "kind": ("type", "kind", "tipo", "genre", "art", "typ", "النوع"),
    "sector": ("sector", "sektor", "bereich", "secteur", "setor", "ambito", "القطاع", "المجال"),
    "target_group": (
        "who it serves", "target group", "audience", "for whom", "beneficiaries", "users", "participants",
        "publico", "destinatarios", "poblacion destinataria", "a quien se dirige", "dirigido a",
        "public", "public cible", "beneficiaires", "zielgruppe", "fur wen", "publico alvo", "quem atende",
        "الفئة المستهدفة", "المستفيدون", "الفئة",
    ),
    "description": (
        "description", "what it offers", "what it does", "activities", "summary",
        "que ofrece", "descripcion", "actividades", "ce qui est propose", "activites",
        "beschreibung", "leistungen", "inhalt", "o que oferece", "descricao", "atividades",
        "الوصف", "الأنشطة", "ماذا يقدم",
    ),
    "access": (
        "how to access", "referral", "access", "how to join", "eligibility",
        "como acceder", "acceso", "acces", "comment y acceder", "zugang", "como acessar", "acesso",
        "طريقة الولوج", "كيفية الوصول", "الولوج",
    ),
    "contact_point": ("contact", "contact point", "contacto", "kontakt", "contato", "ansprechpartner",
                      "الاتصال", "جهة الاتصال"),
    "phone": ("phone", "telephone", "tel", "telefono", "telefon", "telefone", "الهاتف"),
    "email": ("e mail", "email", "mail", "correo electronico", "correo", "courriel", "البريد الإلكتروني",
              "البريد"),
    "website": ("website", "web", "site web", "sitio web", "webseite", "site", "url", "الموقع الإلكتروني",
                "الموقع"),
    "address": ("address", "direccion", "adresse", "anschrift", "endereco", "morada", "العنوان"),
    "prevention_level": ("prevention level", "level", "level of prevention", "nivel de prevencion",
                         "niveau de prevention", "praventionsebene", "nivel de prevencao", "مستوى الوقاية"),
    "themes": ("themes", "topics", "temas", "themes abordes", "thematiques", "themen", "المواضيع", "المحاور"),
    "languages": ("languages", "idiomas", "langues", "sprachen", "linguas", "اللغات"),
    "seat": ("seat", "position", "asiento", "siege", "sitz", "assento", "المقعد"),
    "role": ("role", "rol", "funcion", "fonction", "rolle", "funktion", "papel", "funcao", "الدور", "الصفة"),
    "deadline": ("deadline", "timeline", "timeframe", "plazo", "calendario", "echeance", "frist", "zeitraum",
                 "prazo", "الآجال", "الأجل"),
    "indicator": ("indicator", "indicador", "indicateur", "indikator", "المؤشر"),
    "funding": ("funding", "financiacion", "financement", "finanzierung", "financiamento", "التمويل"),
    "duration": ("duration", "duracion", "duree", "dauer", "duracao", "المدة", "مدته"),
}

# Fields whose column names the entry (a name column; else an organisation column; else a names cell).
ENTITY_FIELDS = ("name", "organisation", "names")

_FOLDED: list[tuple[tuple[str, ...], str]] = sorted(
    ((tuple(fold(w).split()), f) for f, ws in HEADER_WORDS.items() for w in ws),
    key=lambda pair: -len(pair[0]),
)


def map_header(header: str) -> str | None:
    """The field a column header names, or None when no field claims it.

    Args:
        header: the header cell as written ("Who it serves", "Como acessar", "الجهة المسؤولة").

    Returns:
        A field of `HEADER_WORDS`; a header that is one of a field's words wins over one that only
        contains it, then the longest contained phrase.
    """
    got = tuple(fold(header).split())
    if not got:
        return None
    for phrase, field in _FOLDED:
        if phrase == got:
            return field
    for phrase, field in _FOLDED:
        n = len(phrase)
        if any(got[i:i + n] == phrase for i in range(len(got) - n + 1)):
            return field
    return None


def map_headers(headers: Sequence[str]) -> list[str | None]:
    """Each column's field; a field claimed twice keeps its first column (the later ones stay free),
    except that an organisation column after a name column is the body that runs the programme."""
    out: list[str | None] = []
    seen: set[str] = set()
    for header in headers:
        field = map_header(header)
        if field in seen:
            field = None
        if field is not None:
            seen.add(field)
        out.append(field)
    return out
