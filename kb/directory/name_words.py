"""The word lists name suggestion reads, in the corpus's six languages (all folded: lower case, no accents).

Kept apart from the rules (`kb.directory.names`) so a language can be added by adding words.
"""

from __future__ import annotations

from kb.directory.folding import fold

__all__ = ["HEADS", "HEAD_SUFFIXES", "ARABIC_HEADS", "CONNECTORS", "FUNCTION_WORDS", "STOP_WORDS", "MONTHS",
           "ADDRESS_WORDS", "TITLES", "LABELS", "ARABIC_STOPS", "DE_PREPOSITIONS"]


def _folded(*groups: str) -> frozenset[str]:
    return frozenset(fold(w) for group in groups for w in group.split())


# Nouns that head the name of a body, a service or a programme ("Consejo ...", "... Forum", "service de ...").
HEADS = _folded(
    "service services council commission committee forum group network team centre center office department unit "
    "panel board association foundation trust collective initiative programme program project coalition alliance "
    "partnership observatory institute agency authority line desk club school college university library church "
    "mosque temple league society circle federation scheme",
    "consejo mesa comité comisión red equipo oficina unidad centro observatorio instituto asociación fundación "
    "colectivo programa proyecto servicio dirección secretaría departamento área plataforma universidad "
    "defensoría",
    "conseil comité commission réseau équipe bureau cellule centre observatoire institut association fondation "
    "collectif programme projet service direction mission plateforme guichet groupe dispositif université "
    "permanence instance",
    "fachstelle stelle amt rat forum netzwerk team büro zentrum verein stiftung initiative projekt programm dienst "
    "beratung kreis beirat gruppe bündnis ausschuss jugendzentrum",
    "conselho comitê comissão rede equipa equipe gabinete núcleo centro observatório instituto associação "
    "fundação coletivo programa projeto serviço secretaria coordenadoria divisão departamento universidade "
    "defensoria movimento",
)
# German compounds end in their head: "Integrationsbüro", "Jugendzentrum", "Fachstelle".
HEAD_SUFFIXES = tuple(fold(w) for w in ("stelle", "amt", "rat", "zentrum", "büro", "verein", "kreis", "dienst",
                                         "beratung", "forum", "netzwerk", "gruppe", "bündnis"))
ARABIC_HEADS = tuple(fold(w) for w in (
    "جمعية", "لجنة", "لجان", "خلية", "مجلس", "برنامج", "مركز", "مبادرة", "منظمة", "شبكة", "فريق", "وحدة",
    "مصلحة", "مديرية", "مكتب", "هيئة", "نادي", "دار", "منتدى", "مرصد", "فضاء", "مؤسسة", "رابطة", "اتحاد",
    "مندوبية", "قسم", "خط"))
# Words that may join the capitalised words of one name: "Observatorio de Convivencia de la Universidad".
CONNECTORS = _folded("de del des du da do dos das la le les l d of the and for y e et und für à au aux em en in")
# Words that open a sentence without being part of a name ("The", "La", "Die", "Foi", "Cada").
FUNCTION_WORDS = _folded(
    "the a an this that these those its their our his her two three each every after before in on at for "
    "from with by to as it there anyone some all when while since",
    "el la los las lo un una unos unas cada entre después antes en con por para desde su sus este esta estos "
    "estas ese esa dos tres cuando tras",
    "le la les l un une des chaque toute tout tous toutes après avant dans pour par avec sur sous ce cette ces "
    "son sa ses leur leurs deux trois quand depuis",
    "der die das den dem des ein eine einen einem einer jede jeder jedes nach vor im in mit für von zu zum zur "
    "bei seit zwei drei wenn auch",
    "o a os as um uma cada após antes no na nos nas em com por para pelo pela seu sua seus suas este esta dois "
    "duas três quando foi desde",
)
# Where a lower-case name stops: verbs and auxiliaries, conjunctions, relative pronouns, new articles.
STOP_WORDS = _folded(
    "is are was were has have had will can which who that and or but",
    "es son fue era ha han será está están que quien donde y o pero como un una el los las",
    "est sont était a ont sera qui que dont où et ou mais comme un une le les donc alors",
    "é são foi era tem têm será que onde e ou mas como um uma o os as",
)
# Prepositions that carry a lower-case name on ("service de la cohésion sociale", "guichet d'accueil").
DE_PREPOSITIONS = _folded("de del des du da do dos das d à au aux")
MONTHS = _folded(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre "
    "lunes martes miércoles jueves viernes sábado domingo",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
    "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "januar februar märz april mai juni juli august september oktober november dezember "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
)
# The first word of an address, not a name: "City Hall, Room 214".
ADDRESS_WORDS = _folded("hall room street road avenue floor suite building rue salle étage bâtiment calle "
                        "avenida piso sala edificio straße strasse platz raum etage rua andar prédio")
# Before a person's name: a person is not a directory entry.
TITLES = _folded("mr mrs ms dr prof mme mlle m herr frau sr sra dona don senhor senhora doña السيد السيدة")
# A label before a colon that introduces a name rather than being one ("Contact: ...").
LABELS = _folded("contact contacto kontakt contato address adresse dirección endereço where who "
                 "responsible responsable lead organisation organization organisme organização entidad "
                 "الاتصال العنوان")
# Where an Arabic name stops: prepositions, relatives, conjunctions written apart.
ARABIC_STOPS = frozenset(fold(w) for w in (
    "إلى", "على", "من", "عن", "مع", "في", "التي", "الذي", "الذين", "وهي", "وهو", "حيث", "كما", "دون", "بين",
    "ثم", "أو", "و", "منذ", "عند", "لدى", "بعد", "قبل"))
