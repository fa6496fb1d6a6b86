"""Language detection: deterministic codes, "und" when unsure, script fallback."""

from __future__ import annotations

import pytest

from ingest import detect_language

SENTENCES = {
    "en": "Cities bring schools, police and youth workers together to prevent hate and extremism.",
    "es": "Las ciudades reúnen a escuelas, policía y trabajadores juveniles para prevenir el odio.",
    "fr": "Les villes réunissent les écoles, la police et les animateurs pour prévenir la haine.",
    "de": "Städte bringen Schulen, Polizei und Jugendarbeit zusammen, um Hass vorzubeugen.",
    "ar": "تجمع المدن المدارس والشرطة والعاملين مع الشباب لمنع الكراهية والتطرف العنيف.",
    "pt": "As cidades reúnem escolas, polícia e trabalhadores de juventude para prevenir o ódio.",
    "zh": "城市把学校、警察和青年工作者聚集在一起,共同预防仇恨和暴力极端主义。",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_detects_each_language(lang: str):
    assert detect_language(SENTENCES[lang]) == lang


def test_is_deterministic():
    text = "Prevention work in small cities needs partners and a plan for the long term."
    assert len({detect_language(text) for _ in range(5)}) == 1


@pytest.mark.parametrize("text", ["", "   ", "2024 12 31 1234567", "hola", "Page 3 of 10"])
def test_und_when_unsure(text: str):
    assert detect_language(text) == "und"


def test_han_text_is_never_called_korean():
    assert detect_language("城市预防工作需要学校参与。" * 10) == "zh"


def test_persian_is_not_forced_to_arabic():
    fa = "شهرها مدارس، پلیس و کارکنان جوانان را گرد هم می‌آورند تا از نفرت و افراط‌گرایی جلوگیری کنند."
    assert detect_language(fa) == "fa"


def test_one_list_says_which_languages_run_right_to_left() -> None:
    """The reader, the cards and the Word export ask the same question of a language code."""
    from ingest.language import is_right_to_left

    assert is_right_to_left("ar") and is_right_to_left("fa-IR") and is_right_to_left("HE")
    assert not is_right_to_left("en") and not is_right_to_left("und") and not is_right_to_left(None)
