"""The gettext catalogue reader behind the language basis: real .mo bytes, written here."""

from __future__ import annotations

import struct
from pathlib import Path

from evals.gettext_pairs import parallel_messages, read_mo


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """A little-endian .mo file, laid out as GNU msgfmt does (sorted ids, two offset tables)."""
    ids = sorted(messages)
    n = len(ids)
    orig_at, trans_at = 28, 28 + 8 * n
    data_at = trans_at + 8 * n
    blob, orig, trans = b"", [], []
    for table, strings in ((orig, ids), (trans, [messages[i] for i in ids])):
        for s in strings:
            raw = s.encode("utf-8")
            table.append((len(raw), data_at + len(blob)))
            blob += raw + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, n, orig_at, trans_at, 0, 0)
    tables = b"".join(struct.pack("<2I", *t) for t in orig + trans)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + tables + blob)


SENTENCE = "The file could not be opened because the disk is full"


def test_read_mo_keeps_plain_messages_and_skips_header_plural_and_context(tmp_path: Path) -> None:
    mo = tmp_path / "x.mo"
    write_mo(mo, {"": "Content-Type: text/plain; charset=UTF-8", SENTENCE: "Le fichier n'a pas pu être ouvert",
                  "one file\x00%d files": "un fichier\x00%d fichiers", "menu\x04Open": "Ouvrir"})
    assert read_mo(mo) == {SENTENCE: "Le fichier n'a pas pu être ouvert"}


def test_read_mo_tolerates_garbage(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mo"
    bad.write_bytes(b"\xde\x12\x04\x95" + b"\xff" * 40)  # right magic, tables pointing nowhere
    assert read_mo(bad) == {}
    (tmp_path / "short.mo").write_bytes(b"abc")
    assert read_mo(tmp_path / "short.mo") == {}


def test_parallel_messages_filters_and_merges_regional_folders(tmp_path: Path) -> None:
    write_mo(tmp_path / "pt" / "LC_MESSAGES" / "a.mo", {SENTENCE: "Não foi possível abrir o ficheiro porque o disco está cheio"})
    write_mo(tmp_path / "pt_BR" / "LC_MESSAGES" / "b.mo", {
        SENTENCE: "(ignored: pt came first)",
        "Select the printer that you want to use for this job": "Selecione a impressora que deseja usar",
        "Cannot open %s because the disk is full today": "Não é possível abrir %s",  # placeholder
        "Too short": "Curto demais",  # under six words
        "The same text in both languages here, copied": "The same text in both languages here, copied",
    })
    pairs = parallel_messages("pt", locale_dir=tmp_path)
    assert pairs == sorted([
        (SENTENCE, "Não foi possível abrir o ficheiro porque o disco está cheio"),
        ("Select the printer that you want to use for this job", "Selecione a impressora que deseja usar"),
    ])
    assert len(parallel_messages("pt", locale_dir=tmp_path, limit=1)) == 1
    assert parallel_messages("xx", locale_dir=tmp_path) == []
