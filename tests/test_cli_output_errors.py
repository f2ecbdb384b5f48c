"""`cleaner clean` on the output side: write failures (exit 3, one line on stderr, no traceback),
file names the file system accepts, outputs never read back as inputs, the progress line, the
--model folder, and passed-through fields that share a name with ours.

Most tests use a stand-in cleaner (the body upper-cased): they test the CLI's output handling,
not cleaning. Write failures are simulated by raising OSError, since permission checks do not
apply to root.
"""

from __future__ import annotations

import errno
import io
import json
import os
import pathlib
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import batch, cli_clean
from cleaner.article import Article
from cleaner.cli import main
from cleaner.cli_clean import safe_name
from cleaner.sources import Record

REPO = Path(__file__).resolve().parents[1]
TEXT = "Some article text that is long enough to keep. " * 3


def _echo(record: Record, *, model: object = None) -> Article:
    return Article(id=record.id, body=(record.text or record.html or "").upper(), meta=record.meta)


@pytest.fixture
def echo(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in cleaner, and no model to load."""
    monkeypatch.setattr(batch, "_clean_record", _echo)
    monkeypatch.setattr(cli_clean, "_load_model", lambda path: None)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["clean", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _files(folder: Path, names: list[str], text: str = TEXT) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in names]


def _out_name(src: Path) -> str:
    """The file `-o DIR` writes for input `src` in --format text."""
    return safe_name(str(src), set()) + ".txt"


class _FullStream(io.StringIO):
    """A stdout on a full disk (or whose reader went away, with BrokenPipeError)."""

    def __init__(self, exc: OSError) -> None:
        super().__init__()
        self.exc = exc

    def write(self, text: str) -> int:
        raise self.exc

    def flush(self) -> None:
        raise self.exc


def _refuse_writes(monkeypatch, under: Path, exc: OSError, only: str | None = None) -> list[str]:
    """Make opening a file for writing under `under` (named `only`, if given) raise `exc`; the
    names refused are collected in the returned list."""
    refused: list[str] = []
    real_open = pathlib.Path.open

    def fake_open(self, mode="r", *args, **kwargs):
        inside = Path(os.path.abspath(self)).is_relative_to(os.path.abspath(under))
        if "w" in mode and inside and (only is None or self.name == only):
            refused.append(self.name)
            raise exc
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", fake_open)
    return refused


# --- 1. write errors: exit 3 and one line, not a traceback --------------------------------------


@pytest.mark.parametrize("fmt", ["text", "jsonl", "json", "labels"])
def test_a_full_disk_on_stdout_exits_3_with_one_line(echo, capsys, monkeypatch, tmp_path, fmt):
    (src,) = _files(tmp_path, ["a.txt"])
    monkeypatch.setattr(
        sys, "stdout", _FullStream(OSError(errno.ENOSPC, "No space left on device"))
    )
    code, _, err = run(capsys, "--format", fmt, str(src))
    assert code == 3
    assert err == "cleaner clean: cannot write to stdout (No space left on device)\n"


def test_a_read_only_output_folder_exits_3_and_stops(echo, capsys, monkeypatch, tmp_path) -> None:
    srcs = _files(tmp_path / "in", ["a.txt", "b.txt", "c.txt"])
    out = tmp_path / "ro"
    refused = _refuse_writes(monkeypatch, out, PermissionError(errno.EACCES, "Permission denied"))
    code, _, err = run(capsys, *map(str, srcs), "-o", str(out))
    assert code == 3
    first = _out_name(srcs[0])
    assert err == f"cleaner clean: cannot write to {out / first} (Permission denied)\n"
    assert refused == [first]  # a folder that refuses one file refuses them all: stop


def test_a_read_only_output_folder_in_jsonl_exits_3(echo, capsys, monkeypatch, tmp_path) -> None:
    (src,) = _files(tmp_path / "in", ["a.txt"])
    out = tmp_path / "ro"
    _refuse_writes(monkeypatch, out, PermissionError(errno.EACCES, "Permission denied"))
    code, _, err = run(capsys, str(src), "-o", str(out), "--format", "jsonl")
    assert code == 3
    assert err == f"cleaner clean: cannot write to {out / 'cleaned.jsonl'} (Permission denied)\n"


def test_a_full_disk_in_the_output_folder_leaves_no_half_file(echo, capsys, monkeypatch, tmp_path):
    srcs = _files(tmp_path / "in", ["a.txt", "b.txt"])
    out = tmp_path / "out"
    real_open = pathlib.Path.open

    class Half(io.StringIO):
        def __init__(self, path: Path) -> None:
            super().__init__()
            self.handle = real_open(path, "w", encoding="utf-8")

        def write(self, text: str) -> int:
            self.handle.write(text[:5])  # some bytes reach the disk, then it is full
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            self.handle.close()

    def fake_open(self, mode="r", *args, **kwargs):
        if "w" in mode and self.parent == out:
            return Half(self)
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", fake_open)
    code, _, err = run(capsys, *map(str, srcs), "-o", str(out))
    assert code == 3 and err.endswith("(No space left on device)\n") and err.count("\n") == 1
    assert list(out.iterdir()) == []


def test_a_broken_pipe_stays_quiet(echo, capsys, monkeypatch, tmp_path) -> None:
    (src,) = _files(tmp_path, ["a.txt"])
    monkeypatch.setattr(sys, "stdout", _FullStream(BrokenPipeError(errno.EPIPE, "Broken pipe")))
    code, _, err = run(capsys, "--format", "json", str(src), str(src))
    assert (code, err) == (0, "")


def _buffered_env() -> dict[str, str]:
    """The environment of a user's shell: stdout block-buffered, as it is unless
    PYTHONUNBUFFERED is set (the failures below happen when Python flushes it at exit)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(REPO)
    return env


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_dev_full_gives_one_line_and_exit_3(tmp_path: Path, fmt: str) -> None:
    (src,) = _files(tmp_path, ["a.txt"])
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "cleaner", "clean", "--format", fmt, str(src)],
            stdout=full, stderr=subprocess.PIPE, cwd=REPO, env=_buffered_env(), timeout=120,
        )  # fmt: skip
    assert (
        proc.stderr.decode() == "cleaner clean: cannot write to stdout (No space left on device)\n"
    )
    assert proc.returncode == 3


def test_head_closing_the_pipe_stays_quiet(tmp_path: Path) -> None:
    """`cleaner clean … --format json | head -1`: exit 0, nothing on stderr (Python used to
    complain, and exit 120, when it flushed stdout at exit)."""
    srcs = _files(tmp_path, [f"{i:03}.txt" for i in range(60)], TEXT * 40)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "clean", "--format", "json", *map(str, srcs)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=_buffered_env(),
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert (proc.wait(timeout=120), err) == (0, "")


# --- 2. file names the file system accepts; one refused name does not end the batch -------------


def test_safe_name_caps_bytes_not_characters() -> None:
    used: set[str] = set()
    cjk = "日本語のニュース記事" * 10  # 100 characters, 300 UTF-8 bytes
    name = safe_name(cjk, used)
    assert len(name.encode("utf-8")) <= 180 and name.startswith("日本語のニュース記事")
    assert name != safe_name(cjk + "2", used)
    again = safe_name(cjk, used)  # the clash suffix and the longest extension still fit
    assert again == name + "-2" and len((again + ".labels.tsv").encode()) < 200
    emoji = safe_name("📰" * 200, used)
    assert len(emoji.encode("utf-8")) <= 180 and emoji.encode("utf-8").decode("utf-8") == emoji
    # ASCII names are what they were
    assert safe_name("x" * 120, used) == "x" * 120
    assert len(safe_name("y" * 500, used)) == 120
    assert safe_name("日本語" * 10, used) == "日本語" * 10


def test_a_long_non_ascii_id_is_written(echo, capsys, tmp_path: Path) -> None:
    src = tmp_path / "cjk.jsonl"
    rows = [{"id": "日本語のニュース記事" * 10, "text": TEXT}, {"id": "ok", "text": TEXT}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    code, _, err = run(capsys, str(src), "-o", str(tmp_path / "o"))
    assert (code, err) == (0, "")
    assert len(list((tmp_path / "o").iterdir())) == 2


def test_a_name_the_file_system_refuses_costs_only_its_record(
    echo, capsys, monkeypatch, tmp_path
) -> None:
    srcs = _files(tmp_path / "in", ["a.txt", "b.txt", "c.txt"])
    out = tmp_path / "out"
    too_long = OSError(errno.ENAMETOOLONG, "File name too long")
    a, b, c = map(_out_name, srcs)
    _refuse_writes(monkeypatch, out, too_long, only=b)
    code, _, err = run(capsys, *map(str, srcs), "-o", str(out))
    assert code == 3
    assert sorted(p.name for p in out.iterdir()) == [a, c]
    assert err.splitlines() == [
        f"cleaner clean: cannot write to {out / b} (File name too long); "
        "the batch goes on without it",
        "cleaner clean: 1 of 3 outputs could not be written",
    ]


# --- 3. the output folder is never read as input ------------------------------------------------


def test_jsonl_output_inside_the_input_folder_is_not_read_back(echo, capsys, tmp_path) -> None:
    folder = tmp_path / "col"
    feed = folder / "a.jsonl"  # enough output that some is flushed before out/ is listed
    folder.mkdir()
    feed.write_text(
        "".join(json.dumps({"id": f"r{i}", "text": TEXT * 5}) + "\n" for i in range(40))
    )
    code, _, _ = run(capsys, str(folder), "-o", str(folder / "out"), "--format", "jsonl")
    rows = (folder / "out" / "cleaned.jsonl").read_text().splitlines()
    assert code == 0 and [json.loads(r)["id"] for r in rows] == [f"r{i}" for i in range(40)]


def test_an_earlier_runs_output_is_not_read_as_input(echo, capsys, tmp_path) -> None:
    folder = tmp_path / "col"
    _files(folder, ["a.txt", "b.txt"])
    for _ in range(2):
        code, _, err = run(capsys, str(folder), "-o", str(folder / "out"))
        assert (code, err) == (0, "")
        assert len(list((folder / "out").iterdir())) == 2


def test_a_named_file_inside_the_output_folder_is_skipped_with_a_note(
    echo, capsys, tmp_path
) -> None:
    (inside,) = _files(tmp_path / "out", ["x.txt"])
    (other,) = _files(tmp_path / "in", ["y.txt"])
    code, _, err = run(capsys, str(inside), str(other), "-o", str(tmp_path / "out"))
    assert code == 0
    assert err == f"cleaner clean: skipping {inside}: it is inside the output folder\n"
    assert inside.read_text() == TEXT  # not overwritten by its own cleaned text


# --- 4. progress ----------------------------------------------------------------------------------


def test_progress_ends_with_the_final_count_and_errors_get_their_own_line(
    echo, capsys, monkeypatch, tmp_path
) -> None:
    srcs = _files(tmp_path, ["a.txt", "b.txt"])
    missing = tmp_path / "missing.txt"
    monkeypatch.setattr(cli_clean, "_stderr_is_tty", lambda: True)
    code, _, err = run(capsys, str(srcs[0]), str(missing), str(srcs[1]))
    assert code == 1
    shown = [line.split("\r")[-1] for line in err.split("\n")]  # what a terminal shows
    assert shown[-3].startswith("cleaner clean: 3/3 inputs, 1 failed, ")
    assert shown[-2:] == ["cleaner clean: 1 of 3 inputs failed; see error records", ""]
    errors = [line for line in shown if "missing.txt" in line]
    assert len(errors) == 1 and errors[0].startswith(f"cleaner clean: {missing}: ")
    assert "inputs, " not in errors[0]


def test_the_site_pass_shows_its_own_progress_then_gives_way_to_cleaning(
    capsys, monkeypatch, tmp_path
) -> None:
    srcs = _files(tmp_path, ["a.txt", "b.txt", "c.txt"])
    monkeypatch.setattr(cli_clean, "_stderr_is_tty", lambda: True)
    code, out, err = run(capsys, *map(str, srcs), "--site-boilerplate", "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 3
    drawn = [part.rstrip() for line in err.split("\n") for part in line.split("\r") if part]
    assert drawn[0].startswith("cleaner clean: site pass: 1/3 inputs read, ")
    cleaning = [i for i, d in enumerate(drawn) if " inputs, " in d and "site pass" not in d]
    assert cleaning and cleaning[0] > 0  # the site pass's line came first
    assert drawn[-1].startswith("cleaner clean: 3/3 inputs, ")  # the final count, on its own
    assert "/s" in drawn[-1] and "e+" not in drawn[-1]  # a rate, not one over a near-zero time


# --- 5. --model takes a folder --------------------------------------------------------------------


def test_model_help_says_folder(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["clean", "--help"])
    assert "model folder" in " ".join(capsys.readouterr().out.split())


def test_model_json_inside_a_model_folder_means_the_folder(capsys, monkeypatch, tmp_path) -> None:
    from cleaner import model as model_module

    loaded: list[str | None] = []
    monkeypatch.setattr(model_module, "_cached", lambda folder: loaded.append(folder))
    monkeypatch.setattr(batch, "_clean_record", _echo)
    folder = tmp_path / "model"
    (card,) = _files(folder, ["model.json"], "{}")
    (src,) = _files(tmp_path, ["a.txt"])
    code, _, err = run(capsys, "--model", str(card), str(src))
    assert (code, err, loaded) == (0, "", [str(folder)])


def test_a_file_that_is_not_in_a_model_folder_is_a_clear_error(capsys, tmp_path) -> None:
    (stray,) = _files(tmp_path, ["weights.json"], "{}")
    code, out, err = run(capsys, "--model", str(stray), str(stray))
    assert (code, out) == (2, "")
    assert err == (
        f"cleaner clean: cannot load {stray}: a file, not a model folder "
        "(give the folder that holds model.json)\n"
    )


def test_the_real_model_json_path_loads(capsys, tmp_path) -> None:
    from cleaner.model import DEFAULT_MODEL_DIR

    card = Path(DEFAULT_MODEL_DIR) / "model.json"
    if not card.is_file():
        pytest.skip("no shipped model")
    (src,) = _files(tmp_path, ["a.txt"])
    assert run(capsys, "--model", str(card), str(src)) == run(capsys, str(src))


# --- 6. passed-through fields named like ours -----------------------------------------------------


def test_input_fields_named_like_ours_are_kept_under_input() -> None:
    meta = {"outlet": "MyOutlet", "url": "u", "title": "Given", "error": "upstream"}
    out = Article(id="z", body="B", meta=meta).to_dict()
    assert out["input"] == {"outlet": "MyOutlet", "title": "Given", "error": "upstream"}
    assert (out["url"], out["title"], out["outlet"], "error" in out) == ("u", None, None, False)
    assert list(out) == ["url", "input", "id", "title", "byline", "body", "outlet"]


def test_an_input_field_named_input_moves_only_when_others_clash() -> None:
    alone = Article(id="z", meta={"input": [1], "n": 2}).to_dict()
    assert (alone["input"], alone["n"]) == ([1], 2)  # nothing clashes: passed through as before
    both = Article(id="z", meta={"input": [1], "body": "raw"}).to_dict()
    assert both["input"] == {"input": [1], "body": "raw"} and both["body"] == ""


def test_cli_jsonl_keeps_colliding_fields(echo, capsys, monkeypatch) -> None:
    row = {"id": "z", "text": TEXT, "outlet": "MyOutlet", "title": "Given", "error": "upstream"}

    class Stdin:
        buffer = io.BytesIO(json.dumps(row).encode())

    monkeypatch.setattr(sys, "stdin", Stdin)
    code, out, _ = run(capsys, "--format", "jsonl")
    got = json.loads(out)
    assert code == 0 and "error" not in got and got["title"] is None
    assert got["input"] == {"outlet": "MyOutlet", "title": "Given", "error": "upstream"}


# --- 7. -o naming a file --------------------------------------------------------------------------


def test_output_dir_that_is_a_file_says_so(echo, capsys, tmp_path) -> None:
    (afile,) = _files(tmp_path, ["afile"])
    code, out, err = run(capsys, str(afile), "-o", str(afile))
    assert (code, out) == (3, "")
    assert err == f"cleaner clean: cannot write to {afile} (exists and is not a folder)\n"
