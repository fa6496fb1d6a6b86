"""The `kb` command: help on every command, exit codes, JSON output."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kb.cli import build_parser, main


def test_every_command_and_option_has_help() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help for c in sub._choices_actions}
    assert set(helps) == set(sub.choices)
    for name, command in sub.choices.items():
        assert helps[name], f"`kb {name}` has no help text"
        for action in command._actions:
            if not isinstance(action, argparse._HelpAction):
                assert action.help, f"`kb {name}` option {action.dest} has no help text"


def test_add_exit_codes_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "home")
    good = tmp_path / "good.md"
    good.write_text("# Referral protocol\n\nReferrals go to the multi-agency panel within five days.\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["--home", home, "--embedder", "hash", "add", str(good), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["added"] == 1
    assert main(["--home", home, "--embedder", "hash", "add", str(good), str(empty)]) == 1
    text = capsys.readouterr().out
    assert "unchanged" in text and "failed" in text and "1 failed" in text
    assert main(["--home", home, "--embedder", "hash", "search", "referral panel", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["source"] == "good.md" and hits[0]["citation"]
    assert main(["--home", home, "--embedder", "hash", "search", "xqzvbnmplk"]) == 0
    assert "no passage contains these words" in capsys.readouterr().out  # a hit, but not a match
    assert main(["--home", home, "--embedder", "hash", "search", "referral panel"]) == 0
    out = capsys.readouterr().out
    assert "no passage contains" not in out
    assert len(out.strip().splitlines()) == 2  # the hit's line, then its excerpt on one line
    assert main(["--home", home, "--embedder", "hash", "check"]) == 0
    assert "consistent" in capsys.readouterr().out
    assert main(["--home", home, "--embedder", "hash", "remove", "nope.pdf"]) == 2
    assert "No document" in capsys.readouterr().err
    assert main(["--home", home, "--embedder", "hash", "search", "x", "--filter", "colour=red"]) == 2


def test_console_script_starts_fast_without_heavy_imports(tmp_path: Path) -> None:
    """`kb --help` must not import gradio, torch or sentence-transformers."""
    code = ("import sys; from kb.cli import build_parser; build_parser().format_help(); "
            "print(','.join(m for m in ('gradio','torch','sentence_transformers','llama_index') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "KB_HOME": str(tmp_path)})
    assert out.stdout.strip() == ""


def test_a_kb_without_paragraph_vectors_is_told_to_reindex(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = str(tmp_path / "home")
    doc = tmp_path / "plan.md"
    doc.write_text("# Prevention plan\n\nThe leadership group is chaired by the deputy mayor and meets monthly.\n\n"
                   "It reports to the city council every year on referrals, training and incidents.\n")
    monkeypatch.setenv("KB_PASSAGES", "off")
    assert main(["--home", home, "--embedder", "hash", "add", str(doc)]) == 0
    monkeypatch.delenv("KB_PASSAGES")
    capsys.readouterr()
    assert main(["--home", home, "--embedder", "hash", "search", "deputy mayor"]) == 0
    assert "1 chunk has no paragraph vectors yet" in capsys.readouterr().err
    assert main(["--home", home, "--embedder", "hash", "check", "--no-repair"]) == 1
    assert main(["--home", home, "--embedder", "hash", "reindex"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "--embedder", "hash", "search", "deputy mayor"]) == 0
    assert "paragraph" not in capsys.readouterr().err
    assert main(["--home", home, "--embedder", "hash", "check"]) == 0


def test_eval_xquad_through_the_cli(shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`kb eval xquad` runs the harness (hash embedder, 3 paragraphs: this checks wiring, not quality)."""
    code = main(["eval", "xquad", "--data", str(shared / "datasets" / "xquad"), "--pairs", "es-en",
                 "--limit", "3", "--embedder", "hash", "--cache", str(tmp_path / "c.sqlite"),
                 "--out", str(tmp_path / "out"), "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert (tmp_path / "out" / "xquad.md").exists()
    assert "es-en" in json.dumps(report)


def test_a_kb_from_before_the_second_encoder_is_told_to_reindex(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = str(tmp_path / "home")
    doc = tmp_path / "plan.md"
    doc.write_text("# Prevention plan\n\nThe leadership group is chaired by the deputy mayor and meets monthly.\n")
    monkeypatch.setenv("KB_USE", "off")
    assert main(["--home", home, "add", str(doc)]) == 0
    monkeypatch.delenv("KB_USE")
    capsys.readouterr()
    assert main(["--home", home, "search", "deputy mayor"]) == 0  # ranks without it meanwhile
    assert "1 chunk has no second-encoder vectors yet" in capsys.readouterr().err
    assert main(["--home", home, "reindex"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "search", "deputy mayor", "--all-languages"]) == 0
    assert "second-encoder" not in capsys.readouterr().err
    assert main(["--home", home, "check"]) == 0


def test_a_kb_without_latent_terms_is_told_to_reindex(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = str(tmp_path / "home")
    doc = tmp_path / "plan.md"
    doc.write_text("# Prevention plan\n\nThe leadership group is chaired by the deputy mayor and meets monthly.\n")
    monkeypatch.setenv("KB_LATENT_TERMS", "off")
    assert main(["--home", home, "add", str(doc)]) == 0
    monkeypatch.setenv("KB_LATENT_TERMS", "on")  # "auto" drops them beside the second encoder
    capsys.readouterr()
    assert main(["--home", home, "search", "deputy mayor"]) == 0
    assert "1 chunk has no latent terms yet" in capsys.readouterr().err
    assert main(["--home", home, "check", "--no-repair"]) == 1  # not fully indexed until reindex
    assert main(["--home", home, "reindex"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "search", "deputy mayor"]) == 0
    assert "latent" not in capsys.readouterr().err
    assert main(["--home", home, "check"]) == 0


def _hash_kb_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, markdown: str) -> tuple[Path, Path]:
    """A KB home (hash embedder) holding one Markdown file added through `kb add`: (home, file)."""
    home, doc = tmp_path / "home", tmp_path / "plan.md"
    doc.write_text(markdown)
    monkeypatch.setenv("KB_EMBEDDER", "hash")
    assert main(["--home", str(home), "add", str(doc)]) == 0
    return home, doc


def test_a_kb_with_an_older_chunk_header_is_told_to_reindex(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.vector_files import manifest_path

    home, _ = _hash_kb_with(
        tmp_path, monkeypatch, "# Prevention plan\n\nThe leadership group is chaired by the deputy mayor and meets monthly.\n"
    )
    mpath = manifest_path(home / "index" / "vectors.faiss")
    mpath.write_text(mpath.read_text().replace('"text_format": "2"', '"text_format": "1"'))
    capsys.readouterr()
    assert main(["--home", str(home), "search", "deputy mayor"]) == 0
    assert "older chunk header" in capsys.readouterr().err
    assert main(["--home", str(home), "reindex"]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "search", "deputy mayor"]) == 0
    assert "older chunk header" not in capsys.readouterr().err


def test_documents_cut_by_an_older_chunker_are_pointed_out_until_added_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    home, doc = _hash_kb_with(
        tmp_path, monkeypatch, "# Prevention plan\n\n## Chair\n\nThe deputy mayor chairs the group.\n\n## Rhythm\n\nIt meets monthly.\n"
    )
    db = sqlite3.connect(home / "catalog.sqlite")
    with db:
        db.execute("UPDATE documents SET chunker = ''")
    db.close()
    capsys.readouterr()
    assert main(["--home", str(home), "search", "deputy mayor"]) == 0
    assert "1 document was cut into chunks by an older version" in capsys.readouterr().err
    assert main(["--home", str(home), "add", str(doc)]) == 0
    out = capsys.readouterr()
    assert "updated" in out.out and "older version" not in out.err


def test_kb_reread_reads_stale_documents_again_from_their_stored_originals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's file may be gone: the KB keeps a copy of every original and reads that one."""
    import sqlite3

    from kb import KnowledgeBase

    home, doc = _hash_kb_with(
        tmp_path, monkeypatch, "# Plan\n\n## Members\n\n- the deputy mayor\n- two residents\n\n## Rhythm\n\nIt meets monthly.\n"
    )
    with KnowledgeBase(home, embedder="hash") as kb:
        fresh = [(c.section, c.text) for c in kb.chunks_of(kb.documents()[0].id)]
    db = sqlite3.connect(home / "catalog.sqlite")
    with db:  # as an older version would have left it: list items unmarked
        db.execute("UPDATE documents SET chunker = '2'")
        db.execute("UPDATE chunks SET text = replace(text, '• ', '- ')")
    db.close()
    doc.unlink()
    capsys.readouterr()
    assert main(["--home", str(home), "search", "deputy mayor"]) == 0
    assert "run `kb reread`" in capsys.readouterr().err
    assert main(["--home", str(home), "reread"]) == 0
    out = capsys.readouterr()
    assert "updated   plan.md" in out.out and "Read again from its stored original" in out.out
    assert "older version" not in out.err
    with KnowledgeBase(home, embedder="hash") as kb:
        assert [(c.section, c.text) for c in kb.chunks_of(kb.documents()[0].id)] == fresh
        assert "• the deputy mayor" in fresh[0][1]
        assert kb.check(repair=False).consistent
    assert main(["--home", str(home), "reread", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"] == []  # nothing left to read again
    with KnowledgeBase(home, embedder="hash") as kb:  # ...and no empty job left in `kb jobs` for it
        assert [j.kind for j in kb.jobs.latest()] == ["reread", "add"]


def test_kb_reread_says_when_a_stored_original_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    home, _ = _hash_kb_with(tmp_path, monkeypatch, "# Plan\n\nThe deputy mayor chairs the group.\n")
    for stored in (home / "files").iterdir():
        stored.unlink()
    db = sqlite3.connect(home / "catalog.sqlite")
    with db:
        db.execute("UPDATE documents SET chunker = '2'")
    db.close()
    capsys.readouterr()
    assert main(["--home", str(home), "reread"]) == 1
    out = capsys.readouterr().out
    assert "failed    plan.md" in out and "add the file again" in out


def test_kb_list_manifest_round_trips_every_documents_metadata(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A coordinator can keep the library's metadata as a CSV, edit it, and apply it to a new KB."""
    monkeypatch.setenv("KB_EMBEDDER", "hash")
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "plan.md").write_text("# Plan\n\nThe mayor chairs the group.\n")
    (docs / "sub" / "guide.md").write_text("# Guide\n\nSecure a mandate first.\n")
    (docs / "manifest.csv").write_text(
        "file,title,city,country,themes,year,prevention_level,partner\n"
        'plan.md,"Plan, 2024 edition",Harrow Bend,US,leadership-group; online-hate,2024,primary; secondary,"The ""Bend"" trust"\n'
        "sub/guide.md,Guide,,,,,,\n",
        encoding="utf-8",
    )
    first = str(tmp_path / "first")
    assert main(["--home", first, "add", str(docs), "--manifest", str(docs / "manifest.csv")]) == 0
    capsys.readouterr()
    assert main(["--home", first, "list", "--manifest"]) == 0
    exported = tmp_path / "exported.csv"
    exported.write_text(capsys.readouterr().out, encoding="utf-8")
    (docs / "manifest.csv").unlink()
    second = str(tmp_path / "second")
    assert main(["--home", second, "add", str(docs), "--manifest", str(exported)]) == 0
    from kb import KnowledgeBase

    def metadata(home: str) -> dict[str, dict]:
        with KnowledgeBase(home) as kb:
            return {d.source: d.metadata for d in kb.documents()}

    before = metadata(first)
    assert before["plan.md"]["partner"] == 'The "Bend" trust' and before["plan.md"]["themes"] == ["leadership-group", "online-hate"]
    assert metadata(second) == before


def test_kb_set_changes_validated_metadata_and_keeps_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, _ = _hash_kb_with(tmp_path, monkeypatch, "# Plan\n\nThe deputy mayor chairs the group.\n")
    h = ["--home", str(home)]
    capsys.readouterr()
    assert main([*h, "set", "plan.md", "city=Lyon", "country=fr", "themes=Youth; online-hate", "year=2023"]) == 0
    assert capsys.readouterr().out.strip() == "updated 1 plan.md: city, country, themes, year"
    assert main([*h, "search", "deputy mayor", "--filter", "city=Lyon", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["city"] == "Lyon"
    assert main([*h, "set", "1", "title=Lyon plan", "--unset", "city"]) == 0
    capsys.readouterr()
    from kb import KnowledgeBase

    with KnowledgeBase(home) as kb:
        doc = kb.documents()[0]
        assert doc.title == "Lyon plan" and "city" not in doc.metadata
        assert doc.metadata["country"] == "FR" and doc.metadata["themes"] == ["youth", "online-hate"]
    assert main([*h, "set", "plan.md", "year=", "region=Europe"]) == 0  # "KEY=" clears, in any order
    assert capsys.readouterr().out.strip() == "updated 1 plan.md: region, year"
    assert main([*h, "set", "plan.md", "country=Allemagne"]) == 0  # a country's name is stored as its code
    assert capsys.readouterr().out.strip() == "updated 1 plan.md: country"
    assert main([*h, "set", "plan.md", "country=Narnia"]) == 2
    assert "country" in capsys.readouterr().err
    assert main([*h, "set", "nowhere.md", "city=Lyon"]) == 2


def test_a_file_the_command_names_that_is_missing_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not a Python traceback: `kb directory import nope.csv`, an export to a folder that is not there,
    a CSV with no column for names."""
    home = str(tmp_path / "home")
    assert main(["--home", home, "--embedder", "hash", "directory", "import", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kb: No such file or directory") and "nope.csv" in err and "Traceback" not in err
    assert main(["--home", home, "--embedder", "hash", "directory", "export", "-o", str(tmp_path / "no" / "x.csv")]) == 2
    assert "No such file or directory" in capsys.readouterr().err
    (tmp_path / "nohead.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    assert main(["--home", home, "--embedder", "hash", "directory", "import", str(tmp_path / "nohead.csv")]) == 2
    assert "holds the entries' names (its headers: foo, bar)" in capsys.readouterr().err


def test_an_excerpt_is_printed_on_one_line_and_cut_between_words() -> None:
    from kb.searching.highlights import one_line

    assert one_line("Der Anteil stieg in der\nProgrammgruppe von 38 auf 61 Prozent.", 400) == (
        "Der Anteil stieg in der Programmgruppe von 38 auf 61 Prozent.")
    assert one_line("adopted by the city council in March 2024", 38) == "adopted by the city council in March …"


def _usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run `kb` with arguments argparse must refuse: exit status 2, and what it said on stderr."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    return capsys.readouterr().err


def test_directory_add_refuses_an_unknown_field_and_names_the_ones_it_takes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--set colour=red` used to vanish without a word; nothing is stored until the field is right."""
    h = ["--home", str(tmp_path / "home"), "--embedder", "hash"]
    assert main([*h, "directory", "add", "Youth Club", "--set", "city=Lyon", "--set", "colour=red"]) == 2
    err = capsys.readouterr().err
    assert "'colour'" in err and "kind, sector, city, organisation" in err and "contact_point, public" in err
    assert main([*h, "directory", "list"]) == 0
    assert capsys.readouterr().out.strip() == "0 entries"
    assert main([*h, "directory", "add", "Youth Club", "--set", "city=Lyon"]) == 0
    assert capsys.readouterr().out.splitlines() == ["    1  Youth Club  [Lyon]", "1 entry"]
    rows = tmp_path / "rows.csv"
    rows.write_text("name,city\nYouth Club,Lyon\nSchool mediators,Lyon\n", encoding="utf-8")
    assert main([*h, "directory", "import", str(rows)]) == 1  # the club is there already: merge it?
    assert "1 added, 0 merged, 1 duplicate waiting for confirmation" in capsys.readouterr().out
    assert main([*h, "directory", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 entries"
    from kb import KnowledgeBase

    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:  # the trail names the file imported
        assert [e.detail.get("source") for e in kb.log() if e.action == "directory.import"] == ["rows.csv"]


def test_search_refuses_a_count_below_one_and_a_language_code_that_is_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, _ = _hash_kb_with(tmp_path, monkeypatch, "# Plan\n\nThe deputy mayor chairs the group.\n")
    h = ["--home", str(home)]
    for k in ("0", "-3"):
        assert "argument -k: must be at least 1" in _usage_error(capsys, [*h, "search", "mayor", "-k", k])
    assert "must be at least 1" in _usage_error(capsys, [*h, "similar", "1", "-k", "0"])
    err = _usage_error(capsys, [*h, "search", "mayor", "--reader-language", "xx"])
    assert "'xx' is not an ISO 639-1 language code" in err and "auto" in err
    for language in ("auto", "FR", "eu"):  # any ISO 639-1 code, in either case
        assert main([*h, "search", "mayor", "-k", "1", "--reader-language", language, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)[0]["source"] == "plan.md"


def test_bare_kb_trash_lists_what_waits_and_leaves_purging_to_its_action(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, _ = _hash_kb_with(tmp_path, monkeypatch, "# Plan\n\nThe deputy mayor chairs the group.\n")
    h = ["--home", str(home)]
    capsys.readouterr()
    assert main([*h, "trash"]) == 0
    assert capsys.readouterr().out.strip() == "0 in the trash"
    assert main([*h, "remove", "plan.md"]) == 0
    capsys.readouterr()
    assert main([*h, "trash"]) == 0
    out = capsys.readouterr().out
    assert "document" in out and "[plan.md]" in out and out.strip().endswith("1 in the trash")
    assert main([*h, "trash", "--all"]) == 2  # not a purge without saying purge, and not a silent list
    assert "kb trash purge --all" in capsys.readouterr().err
    assert "invalid choice: '1'" in _usage_error(capsys, [*h, "trash", "1"])
    assert main([*h, "trash", "list", "--json"]) == 0
    assert [i["source"] for i in json.loads(capsys.readouterr().out)] == ["plan.md"]
    assert main([*h, "trash", "purge", "--all"]) == 0
    assert capsys.readouterr().out.strip().endswith("1 purged")
    with pytest.raises(SystemExit):
        main(["trash", "--help"])
    assert "list (the default)" in capsys.readouterr().out


def test_kb_trash_purge_draft_ids_go_after_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--draft ID [ID ...]` takes its ids after it (a flag before positional ids would not parse), and
    DOC ids, --all and --draft stay with purge."""
    parsed = build_parser().parse_args(["trash", "purge", "4", "--draft", "2", "3"])
    assert (parsed.action, parsed.docs, parsed.drafts) == ("purge", [4], [2, 3])
    assert build_parser().parse_args(["trash", "purge", "--all"]).drafts is None
    h = ["--home", str(tmp_path / "home"), "--embedder", "hash"]
    assert main([*h, "trash", "--draft", "2"]) == 2  # not a silent list
    assert "kb trash purge --draft ID" in capsys.readouterr().err


def test_kb_user_add_refuses_a_name_configured_in_kb_users(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """KB_USERS wins over the users file, so a second `carol` there would never sign in: refused before
    the password is asked, pointing at KB_USERS rather than at `kb user reset`, which writes the file."""
    from kb.access import hash_password

    home = tmp_path / "home"
    base = ["--home", str(home), "--embedder", "hash"]
    monkeypatch.delenv("KB_USERS_FILE", raising=False)
    monkeypatch.setenv("KB_USERS", f"carol:viewer:{hash_password('carol-password-1', iterations=1000)}")

    def no_prompt(prompt: str = "") -> str:
        raise AssertionError("asked for a password that would not be used")

    monkeypatch.setattr("getpass.getpass", no_prompt)
    assert main([*base, "user", "add", "carol", "--role", "coordinator"]) == 2
    err = capsys.readouterr().err
    assert "carol already exists, configured in the KB_USERS environment variable" in err
    assert "nothing was changed" in err and "kb user reset" not in err
    assert main([*base, "user", "add", "carol", "--password", "carol-password-2"]) == 2
    assert not (home / "users.json").exists()
    assert main([*base, "user", "add", "dana", "--password", "dana-password-1"]) == 0  # a new name goes in
    capsys.readouterr()
    assert main([*base, "user", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["dana\tviewer", "carol\tviewer"]
    # nor does any other change to carol go to the file, where KB_USERS would hide it
    for change in (["disable", "carol"], ["role", "carol", "--role", "coordinator"], ["remove", "carol"]):
        assert main([*base, "user", *change]) == 2, change
        assert "carol is configured in the KB_USERS environment variable" in capsys.readouterr().err
    assert main([*base, "user", "disable", "dana"]) == 0


def test_add_says_what_it_could_not_add_and_refuses_a_size_limit_below_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h = ["--home", str(tmp_path / "home"), "--embedder", "hash"]
    empty = tmp_path / "empty"
    (empty / ".git").mkdir(parents=True)  # only hidden files: nothing to add either
    (empty / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert main([*h, "add", str(empty)]) == 1
    out = capsys.readouterr().out
    assert f"failed    {empty}  — No files found in this folder" in out and "0 added" in out
    text, binary = tmp_path / "notes.xyz", tmp_path / "picture.xyz"
    text.write_text("The outreach team visits the youth club every Tuesday evening.\n")
    binary.write_bytes(b"GIF89a" + b"\x00" * 64)
    assert main([*h, "add", str(binary)]) == 1  # nothing added: not a success
    out = capsys.readouterr().out
    assert "failed    " in out and "Supported formats are PDF, Word (.docx)" in out and "0 added" in out
    assert main([*h, "add", str(text)]) == 0  # text is read as text, whatever its name; said so
    out = capsys.readouterr().out
    assert "added     " in out and "'.xyz' is not a supported extension (.docx, .htm" in out and ".pdf" in out
    for limit in ("-1", "0", "nan"):
        err = _usage_error(capsys, [*h, "add", str(text), "--max-file-mb", limit])
        assert "argument --max-file-mb: must be a positive number" in err


def test_add_with_a_missing_manifest_is_refused_before_any_job_is_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h = ["--home", str(tmp_path / "home"), "--embedder", "hash"]
    doc = tmp_path / "plan.md"
    doc.write_text("# Plan\n\nThe deputy mayor chairs the group.\n")
    missing = tmp_path / "missing.csv"
    assert main([*h, "add", str(doc), "--manifest", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"kb: No such manifest file: {missing}"
    assert main([*h, "jobs", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main([*h, "list"]) == 0
    assert capsys.readouterr().out.strip() == "0 documents"
    # and so is a manifest that is not one (QA pass 15: the job failed, with a traceback)
    nofile = tmp_path / "nofile.csv"
    nofile.write_text("name,city\nplan.md,Lyon\n", encoding="utf-8")
    assert main([*h, "add", str(doc), "--manifest", str(nofile)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kb: nofile.csv") and "file" in err and "Traceback" not in err
    assert main([*h, "jobs", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_counts_of_one_read_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kb.cli.words import form, plural

    assert [plural(n, "chunk") for n in (0, 1, 2)] == ["0 chunks", "1 chunk", "2 chunks"]
    assert plural(1, "entry", "entries") == "1 entry" and form(2, "has", "have") == "have"
    h = ["--home", str(tmp_path / "home"), "--embedder", "hash"]
    short, long = tmp_path / "short.md", tmp_path / "long.md"
    short.write_text("# Plan\n\nThe deputy mayor chairs the group.\n")
    body = " ".join(["The referral panel meets every week to review new concerns from schools."] * 12)
    long.write_text(f"# Guide\n\n## Chair\n\n{body}\n\n## Rhythm\n\n{body.replace('referral', 'support')}\n")
    assert main([*h, "add", str(short)]) == 0
    out = capsys.readouterr().out
    assert "(1 chunk, en)" in out and "chunks" not in out
    assert main([*h, "list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "   1 chunk   Plan" in lines[0] and lines[-1] == "1 document"
    assert main([*h, "add", str(long)]) == 0
    assert "(2 chunks, en)" in capsys.readouterr().out
    assert main([*h, "list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "   2 chunks  Guide" in lines[1] and lines[-1] == "2 documents"
    assert main([*h, "jobs"]) == 0
    assert "1 file: 1 added" in capsys.readouterr().out


def test_kb_add_keeps_a_stored_documents_fields_and_never_replaces_another_citys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA pass 15, through the command's ingest job: Lowmarsh's report.txt replaced Riverton's, and
    a new version added with `--set year=2024` kept the year alone."""
    from kb import KnowledgeBase

    h = ["--home", str(tmp_path / "home"), "--embedder", "hash"]
    for folder, city in (("d1", "Riverton"), ("d2", "Lowmarsh")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(f"{city} report\n\nThe {city} youth forum meets monthly.\n")
    assert main([*h, "add", str(tmp_path / "d1" / "report.txt"), "--set", "city=Riverton", "--set", "country=US"]) == 0
    capsys.readouterr()
    assert main([*h, "add", str(tmp_path / "d2" / "report.txt"), "--set", "city=Lowmarsh"]) == 1
    said = capsys.readouterr().out
    assert "failed" in said and "of Riverton; this file is of Lowmarsh" in said, said
    (tmp_path / "d1" / "report.txt").write_text("Riverton report\n\nThe Riverton youth forum meets weekly.\n")
    assert main([*h, "add", str(tmp_path / "d1" / "report.txt"), "--set", "year=2024"]) == 0
    assert "updated" in capsys.readouterr().out
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        (doc,) = kb.documents()
        assert doc.title == "Riverton report" and "weekly" in kb.chunks_of(doc.id)[0].text
        assert doc.metadata == {"city": "Riverton", "country": "US", "year": 2024}
        assert kb.check(repair=False).consistent


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_kb_add_stopped_by_a_signal_says_what_it_did_and_leaves_no_job_to_resume(
    signum: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA pass 15: Ctrl+C printed a traceback and left the job "running"; the next `kb serve` added the
    files the coordinator had stopped. SIGTERM exited at once, saying nothing."""
    from kb import KnowledgeBase
    from kb.cli import adding

    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(4):
        (folder / f"note-{n}.txt").write_text(f"Note {n}\n\nThe forum's meeting number {n} was about schools.\n")

    def signalled(self: Any, done: int, total: int, path: str) -> None:
        if done == 1:  # after the first file is committed: a real signal to this process
            os.kill(os.getpid(), signum)
            time.sleep(1)  # the handler raises in this thread before the next file begins

    monkeypatch.setattr(adding.Bar, "__call__", signalled)
    before = signal.getsignal(signal.SIGTERM)
    h = ["--home", str(tmp_path / "home"), "--embedder", "hash"]
    assert main([*h, "add", str(folder)]) == 130
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "kb: stopped; what was done stays" in err
    lines = [line.split()[0] for line in out.splitlines()]
    assert lines[:4] == ["added", "cancelled", "cancelled", "cancelled"], out
    assert "1 added, 0 updated, 0 unchanged, 0 failed, 3 not added (cancelled)" in out
    assert signal.getsignal(signal.SIGTERM) == before  # the command puts back what it replaced
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        (job,) = kb.jobs.latest(5)
        assert job.state == "cancelled" and len(kb.documents()) == 1
        assert kb.worker("inline").run_pending() == []  # nothing left for a server to resume
        assert kb.check(repair=False).consistent
    monkeypatch.undo()
    assert main([*h, "add", str(folder)]) == 0  # the same command again adds the rest
    lines = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert sorted(lines[:4]) == ["added", "added", "added", "unchanged"], lines


@pytest.mark.parametrize(("env", "value", "said"), [("KB_TRASH_DAYS", "abc", "KB_TRASH_DAYS must be a number"),
                                                    ("KB_TRASH_DAYS", "-5", "KB_TRASH_DAYS must be 0 or more"),
                                                    ("KB_OCR", "maybe", "KB_OCR")])
def test_a_bad_setting_in_the_environment_is_said_without_a_traceback(
    env: str, value: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(env, value)
    assert main(["--home", str(tmp_path / "home"), "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kb: {said}") and "Traceback" not in err and value in err


def test_every_field_given_wrong_is_named_at_once_before_any_file_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA pass 15: a country, a type and a year all wrong were said one per attempt (and `kb add` failed
    every file of the batch for the first)."""
    doc = tmp_path / "plan.md"
    doc.write_text("# Plan\n\nThe deputy mayor chairs the group.\n")
    h = ["--home", str(tmp_path / "home"), "--embedder", "hash"]
    bad = ["--set", "country=Atlantis", "--set", "doc_type=blog", "--set", "year=3000"]
    assert main([*h, "add", str(doc), *bad]) == 2
    err = capsys.readouterr().err
    assert all(f"\n    {field}: " in err for field in ("country", "doc_type", "year")), err
    assert main([*h, "jobs", "--json"]) == 0 and json.loads(capsys.readouterr().out) == []
    assert main([*h, "add", str(doc)]) == 0
    capsys.readouterr()
    assert main([*h, "set", "plan.md", "doc_type=blog", "year=abc"]) == 2
    err = capsys.readouterr().err
    assert "doc_type: 'blog'" in err and "year: 'abc'" in err
    assert main([*h, "set", "plan.md"]) == 2  # nothing to set: said, not "updated …: nothing changed"
    assert "kb set takes FIELD=VALUE pairs" in capsys.readouterr().err
