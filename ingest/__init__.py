"""Files -> text blocks -> chunk drafts. Pure: no catalog, no index, nothing of `kb`.

`read_document` reads PDF, DOCX, HTML, Markdown and text (format decided by content), and scans
(image-only PDF pages, PNG/JPEG/TIFF images) by OCR when given `OcrOptions` (ingest.ocr),
`chunk_document` cuts the result into cited passages, and the metadata helpers validate what
coordinators attach to files (form fields, a manifest CSV, or a sidecar JSON). The metadata fields
themselves are declared once, in `schema.FIELDS`.
"""

from __future__ import annotations

from .chunking import CHUNKER_VERSION, MIN_TAIL_TOKENS, chunk_document
from .countries import ISO_COUNTRIES
from .errors import ERROR_CODES, IngestError, MetadataError
from .language import UNDETERMINED, detect_language
from .manifest import SIDECAR_SUFFIX, Manifest, dump_manifest, is_sidecar, load_manifest, load_sidecar
from .metadata import KNOWN_FIELDS, metadata_problems, validate_metadata
from .normalize import BULLET, same_words
from .ocr import LOW_CONFIDENCE, OcrOptions
from .reader import DEFAULT_MAX_BYTES, check_size, read_document
from .records import BLOCK_SEPARATOR, Block, ChunkDraft, OcrInfo, OcrPage, ParsedDocument
from .schema import (
    DOC_TYPES,
    FIELDS,
    FIELDS_BY_NAME,
    POPULATION_BANDS,
    PREVENTION_LEVELS,
    Field,
    editable_fields,
    filterable_fields,
)
from .sniff import DATA_SUFFIXES, FORMATS, SUPPORTED_SUFFIXES

__all__ = [
    "Block",
    "ParsedDocument",
    "ChunkDraft",
    "OcrInfo",
    "OcrPage",
    "OcrOptions",
    "LOW_CONFIDENCE",
    "BLOCK_SEPARATOR",
    "IngestError",
    "MetadataError",
    "ERROR_CODES",
    "read_document",
    "check_size",
    "DEFAULT_MAX_BYTES",
    "chunk_document",
    "CHUNKER_VERSION",
    "BULLET",
    "same_words",
    "MIN_TAIL_TOKENS",
    "detect_language",
    "UNDETERMINED",
    "metadata_problems",
    "validate_metadata",
    "KNOWN_FIELDS",
    "Field",
    "FIELDS",
    "FIELDS_BY_NAME",
    "editable_fields",
    "filterable_fields",
    "POPULATION_BANDS",
    "DOC_TYPES",
    "PREVENTION_LEVELS",
    "ISO_COUNTRIES",
    "load_manifest",
    "dump_manifest",
    "Manifest",
    "load_sidecar",
    "is_sidecar",
    "SIDECAR_SUFFIX",
    "FORMATS",
    "SUPPORTED_SUFFIXES",
    "DATA_SUFFIXES",
]
