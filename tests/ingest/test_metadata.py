"""Metadata validation, manifests and sidecars."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import ISO_COUNTRIES, MetadataError, is_sidecar, load_manifest, load_sidecar, validate_metadata


def test_normalises_known_fields_and_keeps_free_ones():
    meta = validate_metadata({
        "title": "  Leeds  framework ", "city": "Leeds", "country": "gb", "population_band": "250k-1m",
        "doc_type": "City Practice", "themes": " Youth; ;Schools ;youth", "prevention_level": "primary;Secondary",
        "year": "2023", "source_url": "https://example.org/a", "License": "CC BY 4.0",
        "partner": "  Council ", "region": "", "notes": None,
    })  # fmt: skip
    assert meta == {
        "title": "Leeds framework", "city": "Leeds", "country": "GB", "population_band": "250k-1m",
        "doc_type": "city-practice", "themes": ["youth", "schools"], "prevention_level": ["primary", "secondary"],
        "year": 2023, "source_url": "https://example.org/a", "licence": "CC BY 4.0", "partner": "Council",
    }  # fmt: skip


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("country", "XX", ["country", "XX", "ISO 3166-1"]),
        ("population_band", "huge", ["population_band", "huge", "<50k", ">1m"]),
        ("doc_type", "blog", ["doc_type", "blog", "toolkit"]),
        ("prevention_level", "quaternary", ["prevention_level", "quaternary", "tertiary"]),
        ("year", "1850", ["year", "1850", "1900", "2100"]),
        ("year", "soon", ["year", "soon"]),
        ("source_url", "ftp://x.org/f", ["source_url", "ftp://x.org/f", "http"]),
        ("themes", 5, ["themes"]),
    ],
)
def test_bad_values_name_field_value_and_allowed(field: str, value: object, words: list[str]):
    with pytest.raises(MetadataError) as info:
        validate_metadata({field: value})
    for word in words:
        assert word in str(info.value)


def test_country_list_is_complete():
    assert len(ISO_COUNTRIES) == 249
    assert {"DE", "SS", "XK"} & ISO_COUNTRIES == {"DE", "SS"}  # Kosovo's XK is user-assigned, not ISO
    assert validate_metadata({"country": "uk"}) == {"country": "GB"}


@pytest.mark.parametrize(
    "name, code",
    [("Canada", "CA"), ("Allemagne", "DE"), ("deutschland", "DE"), ("ألمانيا", "DE"), ("the United Kingdom", "GB"),
     ("Estados Unidos", "US"), ("États-Unis", "US"), ("etats unis", "US"), ("Brasil", "BR"), ("المغرب", "MA")],
)
def test_a_country_may_be_named_in_a_page_language(name: str, code: str):
    """QA: "Canada" was refused ("not a country code") where every screen shows country names."""
    assert validate_metadata({"country": name}) == {"country": code}


def test_a_name_that_is_no_country_is_refused_with_both_ways_to_say_it():
    with pytest.raises(MetadataError, match="ISO 3166-1 alpha-2 country code or a country's name") as info:
        validate_metadata({"country": "Narnia"})
    assert "Germany" in str(info.value) and "DE" in str(info.value)


def test_manifest_lookup_by_relative_path_suffix_and_name(tmp_path: Path):
    (tmp_path / "docs" / "fr").mkdir(parents=True)
    csv_path = tmp_path / "manifest.csv"
    csv_path.write_bytes(
        "\ufefffile,city,country,themes\n"
        "docs/fr/lyon.pdf,Lyon,FR,youth;schools\n"
        "docs/de/lyon.pdf,Lyon-DE,DE,\n"
        "malmö.md,Malmö,SE,\n".encode()
    )
    manifest = load_manifest(csv_path)
    assert manifest.lookup(tmp_path / "docs" / "fr" / "lyon.pdf") == {
        "city": "Lyon",
        "country": "FR",
        "themes": "youth;schools",
    }
    assert manifest.lookup(Path("/elsewhere/docs/de/lyon.pdf"))["city"] == "Lyon-DE"  # suffix of path parts
    assert manifest.lookup(Path("/upload/tmp/malmö.md"))["country"] == "SE"  # by file name
    assert manifest.lookup(Path("other.pdf")) == {}
    assert validate_metadata(manifest.lookup(tmp_path / "docs/fr/lyon.pdf"))["themes"] == ["youth", "schools"]


def test_manifest_needs_a_file_column(tmp_path: Path):
    csv_path = tmp_path / "m.csv"
    csv_path.write_text("path,city\na.pdf,Lyon\n", encoding="utf-8")
    with pytest.raises(MetadataError, match="'file' column"):
        load_manifest(csv_path)


def test_sidecar_both_names_absent_and_invalid(tmp_path: Path):
    doc = tmp_path / "report.pdf"
    doc.write_bytes(b"%PDF-1.4")
    assert load_sidecar(doc) == {}
    (tmp_path / "report.meta.json").write_text('{"city": "Oslo"}', encoding="utf-8")
    assert load_sidecar(doc) == {"city": "Oslo"}
    (tmp_path / "report.pdf.meta.json").write_text('{"city": "Bergen"}', encoding="utf-8")
    assert load_sidecar(doc) == {"city": "Bergen"}  # the full-name sidecar wins
    (tmp_path / "report.pdf.meta.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(MetadataError, match="JSON object"):
        load_sidecar(doc)
    (tmp_path / "report.pdf.meta.json").write_text("{city: Oslo", encoding="utf-8")
    with pytest.raises(MetadataError, match="invalid JSON"):
        load_sidecar(doc)
    assert is_sidecar(tmp_path / "report.pdf.meta.json") and not is_sidecar(doc)
