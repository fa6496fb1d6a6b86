from index.tokenizer import dominant_script, language_script, normalize_text, tokenize


def test_english_words_casefolded_accents_folded_punctuation_dropped() -> None:
    assert tokenize("Hello, WORLD!  The café — política... ___ --- !!!") == [
        "hello",
        "world",
        "the",
        "cafe",
        "politica",
    ]


def test_arabic_diacritics_and_tatweel_removed() -> None:
    plain = tokenize("منع التطرف العنيف في المدينة")
    voweled = tokenize("مَنْعُ التَّطَرُّفِ العَنِيفِ في المـــديـنة")
    assert plain == voweled == ["منع", "التطرف", "العنيف", "في", "المدينة"]


def test_chinese_becomes_character_bigrams_digits_kept_whole() -> None:
    assert tokenize("防止暴力极端主义2024年") == [
        "防止",
        "止暴",
        "暴力",
        "力极",
        "极端",
        "端主",
        "主义",
        "2024",
        "年",
    ]


def test_thai_bigrams_keep_vowel_and_tone_marks_on_their_letter() -> None:
    toks = tokenize("ป้องกันความรุนแรง")
    assert toks[0] == "ป้อ"
    assert all(len(t) >= 2 for t in toks)
    # no token starts with a combining mark
    assert not any(
        t[0] in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c" for t in toks
    )


def test_devanagari_words_not_cut_at_vowel_signs() -> None:
    assert tokenize("हिन्दी भाषा") == ["हिन्दी", "भाषा"]


def test_mixed_script_word_splits_at_script_boundary() -> None:
    assert tokenize("abc中文def") == ["abc", "中文", "def"]


def test_nfkc_unifies_fullwidth_and_ligatures() -> None:
    assert normalize_text("ＡＢＣ ﬁle") == "abc file"


def test_scripts() -> None:
    assert dominant_script("ما هي خطة المدينة؟") == "arabic"
    assert dominant_script("城市预防计划 2024") == "han"
    assert dominant_script("1234 !!") is None
    assert language_script("ar") == "arabic"
    assert language_script("es") == "latin"
    assert language_script("zh") == "han"
    assert language_script("und") is None
