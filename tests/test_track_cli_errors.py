"""`cleaner track` / `cleaner profiles` when things go wrong: the `-o` target (symlink, FIFO,
folder, unwritable place, full disk), bad `--model` files and damaged store rows each give one
line on stderr and exit 2, never a traceback, and a failed report leaves the store untouched.
Unwritable places are simulated with monkeypatch: tests run as root, where chmod does not bite.
"""

from __future__ import annotations

import errno
import io
import json
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.track import derive

WIRE = (
    "TOKYO (Reuters) - Japan's central bank kept interest rates at 0.5 percent on Tuesday, "
    "Governor Kazuo Ueda said, adding that inflation may slow to 2 percent next year."
)
REWRITE = (
    "Japan's central bank kept rates at 0.5 percent on Tuesday, Governor Kazuo Ueda said, "
    "adding that inflation will slow to 3 percent next year. Markets were calm."
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    recs = [{"id": "w", "text": WIRE, "role": "wire"}, {"id": "r", "text": REWRITE}]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


def track(corpus: Path, *args: str) -> int:
    return main(["track", str(corpus), "--no-clean", *args])


# -- 1. -o writes to what is there instead of replacing it --------------------------------------


def test_o_through_a_symlink_keeps_the_link(tmp_path: Path, corpus: Path) -> None:
    real, link = tmp_path / "real.jsonl", tmp_path / "link.jsonl"
    real.write_text("old\n")
    link.symlink_to(real.name)
    assert track(corpus, "-o", str(link)) == 0
    assert link.is_symlink()
    assert [json.loads(x)["id"] for x in real.read_text().splitlines()] == ["w", "r"]


def test_o_new_file_respects_umask_and_existing_file_keeps_its_mode(
    tmp_path: Path, corpus: Path
) -> None:
    out = tmp_path / "out.jsonl"
    old = os.umask(0o022)
    try:
        assert track(corpus, "-o", str(out)) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        out.chmod(0o640)
        assert track(corpus, "-o", str(out)) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left


def test_o_fifo_is_written_not_replaced(tmp_path: Path, corpus: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    assert track(corpus, "-o", str(fifo)) == 0
    reader.join(10)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [json.loads(x)["id"] for x in got[0].splitlines()] == ["w", "r"]


# -- 2. -o that cannot be written: checked first, exit 2, store untouched -----------------------


def test_o_folder_is_refused_before_tracking(tmp_path: Path, corpus: Path, capsys) -> None:
    store = tmp_path / "s.sqlite"
    assert track(corpus, "-o", str(tmp_path), "--store", str(store)) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and "Traceback" not in err
    assert not store.exists()


def test_o_unwritable_folder_is_refused(tmp_path: Path, corpus: Path, monkeypatch, capsys) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    store = tmp_path / "s.sqlite"
    real_open = os.open

    def fake_open(path, flags, *args, **kwargs):  # a read-only mount, even for root
        if Path(path).parent == ro and flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    assert track(corpus, "-o", str(ro / "out.jsonl"), "--store", str(store)) == 2
    err = capsys.readouterr().err
    assert "out.jsonl" in err and "Read-only file system" in err
    assert not store.exists() and list(ro.iterdir()) == []


class _FullStdout(io.StringIO):
    def flush(self) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _GoneStdout(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def test_full_stdout_is_exit_2_and_leaves_the_store_alone(
    tmp_path: Path, corpus: Path, monkeypatch, capsys
) -> None:
    store = tmp_path / "s.sqlite"
    monkeypatch.setattr("sys.stdout", _FullStdout())
    assert track(corpus, "--store", str(store)) == 2
    err = capsys.readouterr().err
    assert "cannot write the report to stdout (No space left on device)" in err
    assert not store.exists()


def test_report_file_write_failure_leaves_the_store_alone(
    tmp_path: Path, corpus: Path, monkeypatch, capsys
) -> None:
    store = tmp_path / "s.sqlite"
    assert track(corpus, "--store", str(store), "-o", str(tmp_path / "a.jsonl")) == 0
    before = sqlite3.connect(store).execute("SELECT COUNT(*) FROM runs").fetchone()

    real_open = Path.open

    def full(self: Path, mode: str = "r", *args, **kwargs):  # the disk fills up mid-report
        handle = real_open(self, mode, *args, **kwargs)
        if "w" in mode and self.name.endswith(".tmp"):
            handle.close()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return handle

    monkeypatch.setattr(Path, "open", full)
    assert track(corpus, "--store", str(store), "-o", str(tmp_path / "b.jsonl")) == 2
    monkeypatch.undo()
    assert "No space left on device" in capsys.readouterr().err
    assert sqlite3.connect(store).execute("SELECT COUNT(*) FROM runs").fetchone() == before
    assert not (tmp_path / "b.jsonl").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_broken_pipe_on_stdout_is_quiet(corpus: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdout", _GoneStdout())
    assert track(corpus) == 0
    assert capsys.readouterr().err == ""


# -- 3. bad --model files ------------------------------------------------------------------------


def _shipped() -> dict:
    return json.loads(Path(derive.DEFAULT_MODEL).read_text(encoding="utf-8"))


def _wrong_mean() -> dict:
    body = _shipped()
    body["mean"] = body["mean"][:10]
    body["sha256"] = derive._digest(body)
    return body


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "not a model (a JSON list"),
        ('{"format": "cleaner-derive/1"}', "missing classes"),
        ("not json at all", "not JSON"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (_wrong_mean, "'mean' has shape (10,), expected (11,)"),
    ],
)
def test_bad_model_is_one_line_naming_the_file(
    tmp_path: Path, corpus: Path, capsys, content, message
) -> None:
    model = tmp_path / "bad-model.json"
    if callable(content):
        content = json.dumps(content())
    if isinstance(content, bytes):
        model.write_bytes(content)
    else:
        model.write_text(content, encoding="utf-8")
    assert track(corpus, "--model", str(model)) == 2
    err = capsys.readouterr().err
    assert "bad-model.json" in err and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_wrong_shape_model_is_refused_at_load(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(_wrong_mean()), encoding="utf-8")
    with pytest.raises(ValueError, match="'mean' has shape"):
        derive.DeriveModel.load(path)


# -- 4. damaged store rows -----------------------------------------------------------------------


@pytest.mark.parametrize("column", ["discrepancies", "wire_ids"])
def test_damaged_store_row_is_a_store_error(
    tmp_path: Path, corpus: Path, capsys, column: str
) -> None:
    store = tmp_path / "s.sqlite"
    assert track(corpus, "--store", str(store), "-o", str(tmp_path / "rep.jsonl")) == 0
    with sqlite3.connect(store) as conn:
        conn.execute(f"UPDATE articles SET {column} = '{{' WHERE article_id = 'r'")
    capsys.readouterr()
    assert main(["profiles", "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "s.sqlite" in err and "'r'" in err and column in err and "Traceback" not in err
