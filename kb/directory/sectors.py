"""Sectors and kinds from words: what a sector cell means, and what a body's own name says about it.

Two small word lists per sector, in the corpus's six languages:
- `SECTOR_WORDS`: how a document or a spreadsheet names a sector ("City government", "Poder público",
  "Faith", "Sociedade civil") -> the sector;
- `BODY_WORDS`: the words in a body's name that say what it does ("police", "school", "Secretaria de
  Saúde", "mosque", "probation"), tried in order, so that "County behavioral health department" is health
  before it is a municipal department, and a faith council is faith before it is a council.
A body whose name says nothing is a municipality when it reads as public ("Secretaria de Esportes",
"Office of ...") and civil society otherwise ("Instituto Girassol", "Second Chance Ossory").
Justice bodies (prosecutor, probation, public defender) have no sector of their own: "other".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.directory.folding import fold

__all__ = ["SECTOR_WORDS", "BODY_WORDS", "sector_value", "body_sector", "sector_of_body", "kind_of_name", "kind_value",
           "level_of_heading", "SERVICE_WORDS"]

SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    "municipality": ("municipality", "city government", "local government", "city", "city council", "council",
                     "municipal", "public authorities", "poder publico", "prefeitura", "municipio", "ayuntamiento",
                     "alcaldia", "gobierno local", "mairie", "ville", "collectivite", "commune", "stadt",
                     "stadtverwaltung", "kommune", "verwaltung", "gemeinde", "البلدية", "الجماعة", "السلطات المحلية"),
    "police": ("police", "policing", "policia", "polizei", "seguranca publica", "seguridad", "forces de l'ordre",
               "police (forces de l'ordre)", "الشرطة", "الأمن"),
    "education": ("education", "schools", "school", "educacion", "escuelas", "education nationale", "ecoles",
                  "bildung", "schule", "schulen", "educacao", "escolas", "universidade", "university",
                  "التعليم", "التربية"),
    "health": ("health", "public health", "salud", "sante", "gesundheit", "saude", "الصحة"),
    "social work": ("social work", "social services", "social care", "welfare", "trabajo social",
                    "servicios sociales", "travail social", "services sociaux", "action sociale", "sozialarbeit",
                    "soziale arbeit", "soziale dienste", "assistencia social", "servico social",
                    "العمل الاجتماعي", "الخدمات الاجتماعية"),
    "youth work": ("youth", "youth work", "young people", "juventud", "jovenes", "jeunesse", "jeunes",
                   "jugend", "jugendarbeit", "juventude", "jovens", "trabajo con jovenes", "trabalho com jovens",
                   "الشباب", "العمل مع الشباب"),
    "civil society": ("civil society", "ngos", "ngo", "community organisations", "voluntary sector",
                      "sociedad civil", "societe civile", "associations", "zivilgesellschaft", "vereine",
                      "sociedade civil", "المجتمع المدني", "الجمعيات"),
    "faith community": ("faith", "faith communities", "faith community", "religion", "interfaith",
                        "comunidad de fe", "comunidades de fe", "religiones", "cultes", "religions", "communaute religieuse",
                        "communautes religieuses", "religionsgemeinschaft", "religionsgemeinschaften",
                        "glaubensgemeinschaften", "comunidade de fe", "comunidades de fe", "religioes",
                        "الشؤون الدينية", "الطوائف", "الطوائف الدينية", "الأديان"),
    "private sector": ("private sector", "business", "businesses", "companies", "employers", "sector privado",
                       "empresas", "secteur prive", "entreprises", "wirtschaft", "privatwirtschaft", "unternehmen",
                       "setor privado",
                       "القطاع الخاص"),
    "media": ("media", "press", "medios", "medios de comunicacion", "medias", "presse", "medien", "midia",
              "imprensa", "meios de comunicacao", "الإعلام"),
    "other": ("justice", "justice system", "justicia", "justiz", "sistema de justica", "research", "academia",
              "other", "otro", "autre", "sonstige", "outro", "القضاء", "أخرى"),
}

# (sector, word stems): a stem matches at the start of a folded word ("school" in "schools"); an Arabic
# stem anywhere in a word (the article and prepositions are written joined to it). First match wins.
BODY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("police", ("police", "policia", "polizei", "guarda municipal", "gendarmerie", "constabulary", "sheriff",
                "شرطة", "مركز الأمن")),
    ("other", ("prosecutor", "probation", "court", "public defender", "defensoria", "ministerio publico",
               "fiscalia", "tribunal", "juzgado", "parquet", "spip", "staatsanwalt", "bewahrungshilfe",
               "gericht", "justiz", "النيابة", "المحكمة", "السجن")),
    ("faith community", ("interfaith", "multifaith", "faith", "church", "mosque", "temple", "synagogue",
                         "parish", "diocese", "pastoral", "espirit", "terreiro", "igreja", "iglesia", "mezquita",
                         "parroquia", "eglise", "mosquee", "paroisse", "convictions", "kirch", "moschee",
                         "synagoge", "relig", "inter relig", "interrelig", "مسجد", "كنيسة", "ديني", "الأوقاف", "أئمة")),
    ("health", ("health", "hospital", "clinic", "medical", "mental", "psychiatr", "caps", "salud", "sanitar",
                "sante", "hopital", "gesundheit", "klinik", "saude", "مستشفى", "الصحة", "صحي")),
    ("education", ("school", "education", "university", "college", "academy", "escuela", "colegio", "educacion",
                   "universidad", "ecole", "college", "lycee", "rectorat", "schul", "bildung", "universitat",
                   "hochschule", "escola", "educacao", "universidade", "تعليم", "مدرسة", "جامعة", "التربية",
                   "المدارس")),
    ("youth work", ("youth", "young people", "juventud", "juvenil", "jovenes", "jeunes", "jeunesse", "jugend",
                    "juventude", "الشباب", "دار الشباب")),
    ("social work", ("social", "conselho tutelar", "family services", "families", "welfare", "cras", "assistencia", "familia",
                     "famille", "familien", "اجتماعي", "الاجتماعية")),
    ("private sector", ("chamber of commerce", "business", "company", "ltd", "inc", "gmbh", "empresa",
                        "entreprise", "unternehmen", "camara de comercio", "غرفة التجارة")),
    ("media", ("newspaper", "radio", "television", "broadcaster", "press", "periodico", "journal", "zeitung",
               "jornal", "إذاعة", "جريدة")),
    ("municipality", ("city of", "municipal", "municipality", "council", "mayor", "city hall", "department",
                      "office of", "city ", "library", "libraries", "parks", "transit", "prefeitura", "secretaria",
                      "camara municipal", "ayuntamiento", "alcaldia", "municipio", "concejo", "direccion de",
                      "mairie", "ville de", "commune", "service municipal", "stadt", "amt ", "rathaus", "bibliothek",
                      "bibliotheque", "biblioteca", "البلدية", "بلدية", "الجماعة", "مصلحة", "المجلس البلدي",
                      "coordenadoria")),
)

# Words of a programme's name that make it a service (something people turn to) rather than a
# structured programme: a line, a panel, a desk, counselling, legal help, a centre, a listening unit.
SERVICE_WORDS: tuple[str, ...] = (
    "line", "helpline", "hotline", "panel", "support", "counsel", "advice", "desk", "centre", "center",
    "clinic", "unit", "service", "drop in", "legal aid", "servicio", "centro", "linea", "atencion", "asesoria",
    "oficina", "ligne", "cellule", "guichet", "permanence", "ecoute", "accueil", "beratung", "hotline", "stelle",
    "zentrum", "dienst", "sprechstunde", "servico", "nucleo", "atendimento", "defensoria", "plantao", "escuta",
    "acolhimento", "خط", "خلية", "مركز", "مكتب", "وحدة", "خدمة", "مرافقة", "الإصغاء",
)
_KIND_WORDS = {
    "programme": ("programme", "program", "programa", "programm", "scheme", "برنامج"),
    "service": ("service", "servicio", "servico", "dienst", "angebot", "خدمة"),
    "organisation": ("organisation", "organization", "organizacion", "organizacao", "organisme", "body",
                     "entidad", "entidade", "einrichtung", "منظمة", "جهة"),
}
_ARABIC = re.compile("[\u0600-\u06ff]")
_LEVELS = {
    "primary": ("primary", "primaria", "primaire", "primar", "primaria", "الأولية", "الأولي"),
    "secondary": ("secondary", "secundaria", "secondaire", "sekundar", "secundaria", "الثانوية", "الثانوي"),
    "tertiary": ("tertiary", "terciaria", "tertiaire", "tertiar", "terciaria", "الثالثية", "الثالثي"),
}


# What Arabic writes joined before a noun: "and", "with/in", "for", "as", the article, and their pairs.
_ARABIC_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")


def _arabic_forms(word: str) -> set[str]:
    forms = {word}
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) > len(prefix) + 1:
            forms.add(word[len(prefix):])
    return forms


def _has(text: str, stems: Iterable[str]) -> bool:
    """Whether a folded stem starts a word of `text` (an Arabic word also without the prefixes
    written joined to it: "للتعليم" holds "تعليم")."""
    folded = f" {fold(text)} "
    arabic_words: set[str] | None = None
    for stem in stems:
        f = fold(stem) + (" " if stem.endswith(" ") else "")
        single_arabic = bool(_ARABIC.search(f)) and " " not in f.strip()
        if not single_arabic and f" {f}" in folded:
            return True
        if single_arabic:
            if arabic_words is None:
                arabic_words = {form for w in folded.split() for form in _arabic_forms(w)}
            # a short stem is a whole word: "خط" (a line) is not the start of "خطاب" (a speech)
            if any(w == f or (len(f) > 3 and w.startswith(f)) for w in arabic_words):
                return True
    return False


_SECTOR_VALUES = {fold(w): s for s, ws in SECTOR_WORDS.items() for w in ws} | {s: s for s in SECTOR_WORDS}


def sector_value(text: str, exact: bool = False) -> str | None:
    """The sector a sector cell or label names ("Civil society", "Poder público", "Faith"), or None;
    unless `exact`, a cell that contains a sector's words ("Local government bodies") names it too."""
    folded = fold(text)
    if folded in _SECTOR_VALUES:
        return _SECTOR_VALUES[folded]
    if exact:
        return None
    found = [(len(w), s) for w, s in _SECTOR_VALUES.items() if f" {w} " in f" {folded} "]
    return max(found)[1] if found else None


_PUBLIC = ("city", "municipal", "county", "state", "regional", "public", "national", "ministry", "government",
           "secretaria", "prefeitura", "estadual", "federal", "publico", "publica", "municipio", "departamento",
           "ministerio", "publique", "departement", "offentlich", "landes", "bundes", "حكوم", "وزارة", "الجهوي",
           "الإقليمي", "مندوبية", "المديرية")


def body_sector(name: str) -> str | None:
    """The sector a body's own words name (`BODY_WORDS`, first match in order), or None."""
    return next((sector for sector, stems in BODY_WORDS if _has(name, stems)), None)


def sector_of_body(name: str) -> str:
    """The sector of a body from its name: its own words first, then public bodies are the
    municipality's and the rest civil society."""
    return body_sector(name) or ("municipality" if _has(name, _PUBLIC) else "civil society")


# German compounds end in their head: "Ausstiegsberatung", "Anlaufstelle", "Jugendzentrum".
_SERVICE_SUFFIXES = ("beratung", "stelle", "zentrum", "dienst", "telefon", "sprechstunde")


def kind_of_name(name: str) -> str:
    """"service" when a programme's own name says it is one (a line, a panel, a centre), else "programme"."""
    if _has(name, SERVICE_WORDS) or any(w.endswith(_SERVICE_SUFFIXES) for w in fold(name).split()):
        return "service"
    return "programme"


def kind_value(text: str) -> str | None:
    """The kind a cell or form value names ("Programa", "service", "Organização"), or None."""
    folded = fold(text)
    for kind, ws in _KIND_WORDS.items():
        if folded in {fold(w) for w in ws}:
            return kind
    return None


def level_of_heading(heading: str) -> str | None:
    """The prevention level a heading states ("Secondary prevention: people at risk"), or None."""
    folded = fold(heading)
    if not any(w in folded for w in ("prevent", "prevenc", "praven", "وقاية", "الوقاية")):
        return None
    for level, stems in _LEVELS.items():
        if any(fold(s) in folded for s in stems):
            return level
    return None
