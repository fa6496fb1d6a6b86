"""The metadata fields of a document, written once: everything else is built from this list.

Validation (`ingest.metadata`), the manifest's columns (`ingest.manifest`), the catalog's filterable
facets and the search filters (`kb`), the command line's help and the web UI's forms, filters and
handlers (`ui`) all read `FIELDS`. The order is the order a person filling in a form or a manifest
thinks of them. Labels, help and placeholders are plain strings, one each, so that a message
catalogue can translate them; nothing else here is meant for a person to read.

This module imports nothing of ours, so `ingest`, `kb` and `ui` can all use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Field",
    "Kind",
    "FIELDS",
    "FIELDS_BY_NAME",
    "POPULATION_BANDS",
    "DOC_TYPES",
    "PREVENTION_LEVELS",
    "YEAR_RANGE",
    "editable_fields",
    "filterable_fields",
    "field_aliases",
]

POPULATION_BANDS = ("<50k", "50k-250k", "250k-1m", ">1m")
DOC_TYPES = ("city-practice", "network-guidance", "pilot-output", "toolkit", "evaluation", "directory")
PREVENTION_LEVELS = ("primary", "secondary", "tertiary")
YEAR_RANGE = (1900, 2100)

# How a value is checked and normalised (ingest.metadata), and which form control edits it (ui):
# text: trimmed text; country: an ISO 3166-1 alpha-2 code; choice: one of `choices`;
# choices: any of `choices` (a list); list: free words separated by ";" (a list); year: a whole
# year within YEAR_RANGE; url: an http(s) address; language: detected when a file is read, not set.
Kind = Literal["text", "country", "choice", "choices", "list", "year", "url", "language"]


@dataclass(frozen=True)
class Field:
    """One metadata field.

    Attributes:
        name: the key in a document's metadata, a manifest's header, a filter and a form.
        kind: how its value is checked and edited (see `Kind`).
        label: its name for a person (the form's and the filter's label).
        help: one sentence on what to write (command-line help, form hints).
        choices: the allowed values of a "choice" or "choices" field.
        filterable: search can filter on it (a facet in the catalog); a "year" filters as a range
            (`year_min`, `year_max`).
        multi: it holds several values (a list).
        editable: coordinators set it (False: ingest finds it, as the language).
        group: the form row it shares with its neighbours.
        placeholder: an example shown in an empty form box.
        aliases: other spellings a manifest or sidecar may use for its name.
    """

    name: str
    kind: Kind
    label: str
    help: str
    choices: tuple[str, ...] = ()
    filterable: bool = False
    multi: bool = False
    editable: bool = True
    group: str = "about"
    placeholder: str = ""
    aliases: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("title", "text", "Title", "The document's title (else the file's own title, else its name)."),
    Field("city", "text", "City", "The city the document is about or comes from.", filterable=True),
    Field("country", "country", "Country", "The country: its two-letter ISO 3166-1 code (DE, FR, GB, US) or its name (Germany, Allemagne).",
          filterable=True, placeholder="two letters: DE, ES, GB …"),
    Field("region", "text", "Region", "The world region the city belongs to, as the network groups its cities "
          "(e.g. Europe, Latin America, Middle East and North Africa); comparable cities share it.",
          filterable=True, placeholder="e.g. Latin America"),
    Field("doc_type", "choice", "Document type", "What kind of document it is.", choices=DOC_TYPES,
          filterable=True, group="topic", aliases=("type",)),
    Field("themes", "list", "Themes", "Its themes, separated by ';' (e.g. online-hate; youth).",
          filterable=True, multi=True, group="topic", placeholder="separated by ;", aliases=("theme",)),
    Field("language", "language", "Language", "The language its text is in, detected when the file is read.",
          filterable=True, editable=False, group="topic"),
    Field("year", "year", "Year", f"The year it was published, from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}.",
          filterable=True, group="topic", placeholder="e.g. 2023"),
    Field("population_band", "choice", "City size", "The city's population band.", choices=POPULATION_BANDS,
          filterable=True, group="topic"),
    Field("prevention_level", "choices", "Prevention level", "The prevention levels it addresses.",
          choices=PREVENTION_LEVELS, filterable=True, multi=True, group="topic"),
    Field("source_url", "url", "Source URL", "Where it is published, as a full http:// or https:// address.",
          group="source", placeholder="https://…", aliases=("url",)),
    Field("licence", "text", "Licence", "The licence it is published under.", group="source",
          aliases=("license",)),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}


def editable_fields() -> tuple[Field, ...]:
    """The fields coordinators set (forms, manifests, `kb set`), in order."""
    return tuple(f for f in FIELDS if f.editable)


def filterable_fields() -> tuple[Field, ...]:
    """The fields search can filter on, in order."""
    return tuple(f for f in FIELDS if f.filterable)


def field_aliases() -> dict[str, str]:
    """Other spelling -> field name, for manifests and sidecars."""
    return {alias: f.name for f in FIELDS for alias in f.aliases}
