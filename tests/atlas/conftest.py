"""Fixtures for the atlas tests: small knowledge bases whose documents name cities, in temporary folders."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# file -> (text, metadata): clear passages for each kind of section, in several cities and spellings.
DOCS: dict[str, tuple[str, dict[str, str]]] = {
    "harrow-group.md": (
        "# Harrow Bend leadership group\n\n## Chair and members\n\nThe prevention leadership group is chaired by the "
        "mayor and brings together the police, schools, health services and civil society. It meets every two "
        "months under its terms of reference.\n",
        {"city": "Harrow Bend", "country": "US", "region": "North America", "population_band": "250k-1m",
         "themes": "leadership-group;online-hate", "year": "2023", "doc_type": "city-practice"},
    ),
    "harrow-referral.md": (
        "# Referral in harrow bend\n\n## How a concern is referred\n\nA teacher who is worried about a pupil calls the "
        "referral line; the multi-agency case panel assesses the concern and agrees a support plan with consent.\n",
        {"city": "harrow bend", "country": "US", "region": "North America", "population_band": "250k-1m",
         "themes": "referral", "year": "2024", "doc_type": "city-practice"},
    ),
    "lindau-jugend.md": (
        "# Lindau: Medienkompetenz\n\n## Workshops\n\nIn Workshops lernen Jugendliche, Hass im Netz zu erkennen und "
        "Falschmeldungen zu prüfen. Eltern und Schulen sind beteiligt.\n",
        {"city": "Lindau", "country": "DE", "region": "Europe", "population_band": "50k-250k",
         "themes": "online-hate;schools;digital-literacy", "year": "2024", "doc_type": "city-practice"},
    ),
    "sol-respuesta.md": (
        "# Villa Sol: respuesta a incidentes\n\n## Primeras horas\n\nTras un incidente de odio, el equipo de respuesta "
        "rápida se reúne en pocas horas, contacta a las víctimas y la alcaldía emite una declaración pública.\n",
        {"city": "Villa Sol", "country": "AR", "region": "Latin America", "population_band": "50k-250k",
         "themes": "online-hate;schools;incident-response", "year": "2025", "doc_type": "city-practice"},
    ),
    "network-guide.md": (
        "# Network guide: funding prevention\n\n## Funding sources\n\nPrevention work is funded by the city budget, "
        "national grants and foundations; when a grant ends, the work should move into the regular budget.\n",
        {"doc_type": "network-guidance", "year": "2024"},
    ),
}


def write_corpus(folder: Path, docs: dict[str, tuple[str, dict[str, str]]] = DOCS) -> tuple[Path, Path]:
    """Write the documents and a manifest CSV; returns (folder, manifest)."""
    folder.mkdir(parents=True, exist_ok=True)
    fields = sorted({k for _, meta in docs.values() for k in meta})
    manifest = folder.parent / f"{folder.name}-manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["file", *fields])
        w.writeheader()
        for name, (text, meta) in docs.items():
            (folder / name).write_text(text, encoding="utf-8")
            w.writerow({"file": name, **meta})
    return folder, manifest


@pytest.fixture
def city_kb(tmp_path: Path) -> Iterator[Any]:
    """A hash-embedder KB (storage and flow, not quality) holding DOCS."""
    from kb import KnowledgeBase

    folder, manifest = write_corpus(tmp_path / "docs")
    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    report = kb.add([folder], manifest=manifest)
    assert report.ok, report.to_dict()
    yield kb
    kb.close()
