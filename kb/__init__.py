"""The knowledge base's public API.

    from kb import KnowledgeBase
    kb = KnowledgeBase("~/my-kb")
    kb.add(["reports/"], manifest="reports/manifest.csv")
    for hit in kb.search("leadership group chaired by the mayor", k=5):
        print(hit.citation)
"""

from ingest import DOC_TYPES, FIELDS, POPULATION_BANDS, PREVENTION_LEVELS, Field, IngestError, MetadataError
from kb.knowledge_base import CheckReport, DocumentNotFound, KnowledgeBase
from kb.settings import Settings, default_home
from kb.types import AddReport, Chunk, Document, FileOutcome, Hit

# The metadata fields, declared once in ingest.schema (validation, filters, manifests, forms).
METADATA_FIELDS = FIELDS
MetadataField = Field

__all__ = [
    "KnowledgeBase",
    "Settings",
    "default_home",
    "CheckReport",
    "DocumentNotFound",
    "AddReport",
    "Chunk",
    "Document",
    "FileOutcome",
    "Hit",
    "IngestError",
    "MetadataError",
    "DOC_TYPES",
    "POPULATION_BANDS",
    "PREVENTION_LEVELS",
    "METADATA_FIELDS",
    "MetadataField",
]
