"""The registry of ranking signals: names, order, lookups, and what a new registration may not do."""

from __future__ import annotations

import pytest

from index.signals import (
    SIGNALS,
    DenseSignal,
    LexicalSignal,
    Signal,
    Stage,
    UnknownSignal,
    register,
    signal_class,
)
from index.signals.registry import signal_names


def test_the_registry_names_every_signal_once_in_calling_order() -> None:
    assert signal_names() == ["dense", "lexical", "latent", "passages", "use"]
    assert signal_class("lexical") is LexicalSignal
    assert [cls.stage for cls in SIGNALS] == [Stage.DENSE, Stage.LEXICAL, Stage.ADD, Stage.BLEND, Stage.SECOND]
    for cls in SIGNALS:  # every signal declares what the KB needs to treat them alike
        assert cls.file_name and cls.noun and cls.report_key and cls.cost.model_passes >= 0
        assert cls.default_mode in ("auto", "on", "off") and isinstance(cls.weight, float)
        assert not cls.optional or cls.env_var  # a signal a KB may leave out has a switch


def test_an_unknown_name_says_which_ones_exist() -> None:
    with pytest.raises(UnknownSignal, match="known: dense, lexical, latent, passages"):
        signal_class("usem3")


def test_register_refuses_a_taken_name_or_a_second_dense_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("index.signals.registry.SIGNALS", list(SIGNALS))

    class Again(DenseSignal):
        name = "dense-2"

    with pytest.raises(ValueError, match="already a dense signal"):
        register(Again)

    class Same(LexicalSignal):
        stage = Stage.ADD

    with pytest.raises(ValueError, match="already registered"):
        register(Same)

    class Extra(LexicalSignal):
        name, stage = "extra", Stage.ADD

    assert register(Extra) is Extra and signal_class("extra") is Extra
    assert issubclass(Extra, Signal)
