"""The ranking signals a knowledge base keeps, by name, in the order it calls them.

Adding a signal is one module (a `Signal` subclass, with its tests) and one line in `SIGNALS`.
The order is the order in which ingest encodes, `kb check` reports and save writes; where a
signal's score counts is its `stage`, not its place here.
"""

from __future__ import annotations

from index.signals.base import Signal, Stage
from index.signals.dense import DenseSignal
from index.signals.latent import LatentSignal
from index.signals.lexical import LexicalSignal
from index.signals.passages import PassageSignal
from index.signals.use import UseSignal

__all__ = ["SIGNALS", "UnknownSignal", "signal_class", "signal_names", "register"]

SIGNALS: list[type[Signal]] = [
    DenseSignal,
    LexicalSignal,
    LatentSignal,
    PassageSignal,
    UseSignal,
]


class UnknownSignal(KeyError):
    """A signal name no module registered; the message lists the known ones."""

    def __str__(self) -> str:
        return f"No ranking signal named {self.args[0]!r}; known: {', '.join(signal_names())}."


def signal_names() -> list[str]:
    return [cls.name for cls in SIGNALS]


def signal_class(name: str) -> type[Signal]:
    """The registered signal class of this name (UnknownSignal otherwise)."""
    for cls in SIGNALS:
        if cls.name == name:
            return cls
    raise UnknownSignal(name)


def register(cls: type[Signal]) -> type[Signal]:
    """Add a signal class (a plug-in, or a test's); refused when its name or a single stage is taken.

    Returns:
        The class, so this can decorate it.
    """
    if cls.name in signal_names():
        raise ValueError(f"A ranking signal named {cls.name!r} is already registered.")
    if cls.stage in (Stage.DENSE, Stage.LEXICAL, Stage.SECOND) and any(s.stage == cls.stage for s in SIGNALS):
        raise ValueError(f"There is already a {cls.stage} signal; only one may score at that stage.")
    SIGNALS.append(cls)
    return cls
