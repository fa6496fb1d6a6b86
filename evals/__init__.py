"""Evaluations: retrieval metrics and the XQuAD cross-lingual benchmark."""

__all__: list[str] = []
