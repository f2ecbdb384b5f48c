"""Reading a profile store writes nothing: `cleaner profiles` and `Profiles(path, readonly=True)`
leave the file, its journal mode and its folder as they were, work on read-only storage, and
refuse a path that is not a store (missing, empty, not SQLite, another database) without creating
or changing it. `cleaner track --store` may still turn a zero-byte file into a new store.

Read-only storage is made for real, not mocked: an ordinary user gets `chmod a-w`; root, which
chmod does not stop, gets the immutable attribute (`chattr +i`), which stops root too. A test
skips when neither bites here (no chattr, a file system without the attribute).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_profiles import sample

from cleaner.cli import main
from cleaner.track.profiles import Profiles, StoreError, profiles_json


def _make_store(path: Path, suffix: str = "") -> str:
    """A store with the sample reports; returns its profiles as JSON."""
    with Profiles(path) as store:
        store.add(sample(suffix))
        return profiles_json(store.profiles())


def _folder_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in `folder` with its bytes and mtime: what reading must leave as it was."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _journal_mode(path: Path) -> str:
    """From the file header (bytes 18-19 are 2 in WAL mode), without opening the database."""
    return "wal" if path.read_bytes()[18:20] == b"\x02\x02" else "delete"


def _profiles_cli(path: Path, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["profiles", "--store", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    """`read_only(folder)` makes the folder and every file in it unwritable, for root too."""
    done: list[Path] = []

    def make(folder: Path) -> None:
        paths = [*sorted(folder.iterdir()), folder]
        for path in paths:
            if os.geteuid() != 0:
                path.chmod(0o555 if path.is_dir() else 0o444)
            elif shutil.which("chattr") is None:
                pytest.skip("running as root and chattr is not installed")
            elif subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
                pytest.skip(f"chattr +i does not work on {path.parent}'s file system")
            done.append(path)
        try:  # prove that it bites before trusting the test
            (folder / "probe").touch()
        except OSError:
            return
        (folder / "probe").unlink()
        pytest.skip("could not make a folder read-only here")

    yield make
    for path in reversed(done):
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            path.chmod(0o755 if path.is_dir() else 0o644)


# -- reading writes nothing ---------------------------------------------------------------------


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_profiles_changes_nothing_not_even_the_journal_mode(
    tmp_path: Path, capsys, journal: str
) -> None:
    path = tmp_path / "s.sqlite"
    expected = _make_store(path)
    with sqlite3.connect(path) as conn:  # a rollback-journal store (copied, or made elsewhere)
        conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.close()
    before = _folder_state(tmp_path)
    assert _profiles_cli(path, capsys)[:2] == (0, expected)
    assert _journal_mode(path) == journal
    assert _folder_state(tmp_path) == before  # no -wal/-shm, not a byte, not an mtime
    with Profiles(path, readonly=True) as store:
        assert len(store) == 6 and profiles_json(store.profiles()) == expected
        assert store.profile("a.example") is not None
    assert _folder_state(tmp_path) == before


def test_profiles_on_read_only_storage(tmp_path: Path, capsys, read_only) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "s.sqlite"
    expected = _make_store(path)
    read_only(folder)
    code, out, err = _profiles_cli(path, capsys)
    assert (code, err) == (0, "")
    assert out == expected
    with Profiles(path, readonly=True) as store:
        assert profiles_json(store.profiles()) == expected


def test_wal_store_with_its_wal_files_on_read_only_storage(
    tmp_path: Path, capsys, read_only
) -> None:
    """A -wal (and -shm) beside the store, as a reader on writable storage leaves them: the
    store is read through them with locks, as SQLite allows on read-only storage."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "s.sqlite"
    expected = _make_store(path)
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    conn.execute("SELECT COUNT(*) FROM articles").fetchall()
    conn.close()
    assert {p.name for p in folder.iterdir()} == {"s.sqlite", "s.sqlite-wal", "s.sqlite-shm"}
    read_only(folder)
    assert _profiles_cli(path, capsys)[:3] == (0, expected, "")


def test_a_lock_free_reader_notices_a_later_write(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    _make_store(path)
    with Profiles(path, readonly=True) as reader:
        assert len(reader) == 6
        with Profiles(path) as writer:  # writes, checkpoints and removes its -wal on close
            writer.add(sample("-2"))
        assert len(reader) == 12
        assert sum(p.articles for p in reader.profiles()) == 12
        assert sorted(p.name for p in tmp_path.iterdir()) == ["s.sqlite"]  # still lock-free
        with Profiles(path) as writer:  # a writer at work: read through its -wal, with locks
            writer.add(sample("-3"))
            assert len(reader) == 18


def test_read_only_store_refuses_to_add(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    _make_store(path)
    before = _folder_state(tmp_path)
    with Profiles(path, readonly=True) as store, pytest.raises(StoreError, match="read-only"):
        store.add(sample("-2"))
    assert _folder_state(tmp_path) == before


def test_odd_characters_in_the_store_path(tmp_path: Path, capsys) -> None:
    path = tmp_path / "a?b#c%20 d.sqlite"  # must not be read as URI query, fragment or escape
    expected = _make_store(path)
    assert _profiles_cli(path, capsys)[:2] == (0, expected)


# -- a path that is not a store is refused, and left as it was -----------------------------------


def _empty_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 3")  # writes the header: a database with no tables
    conn.commit()
    conn.close()


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE mine (x)")
    conn.commit()
    conn.close()


NOT_STORES = {
    "missing": (None, "no such store"),
    "empty file": (lambda p: p.write_bytes(b""), "an empty file, not a profile store"),
    "one byte": (lambda p: p.write_bytes(b"x"), "not a SQLite database"),
    "text": (lambda p: p.write_text("my notes\n" * 50), "not a SQLite database"),
    "empty database": (_empty_sqlite, "an empty SQLite database, not a profile store"),
    "other database": (_foreign_sqlite, "not a cleaner profile store (tables: mine)"),
}


@pytest.mark.parametrize("kind", NOT_STORES)
def test_profiles_refuses_what_is_not_a_store(tmp_path: Path, capsys, kind: str) -> None:
    make, message = NOT_STORES[kind]
    path = tmp_path / "s.sqlite"
    if make is not None:
        make(path)
    before = _folder_state(tmp_path)
    code, out, err = _profiles_cli(path, capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"cleaner profiles: {path}: ") and message in err
    assert err.count("\n") == 1 and "refusing to" not in err
    with pytest.raises(StoreError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Profiles(path, readonly=True)
    assert _folder_state(tmp_path) == before


WIRE = (
    "TOKYO (Reuters) - Japan's central bank kept interest rates at 0.5 percent on Tuesday, "
    "Governor Kazuo Ueda said, adding that inflation may slow to 2 percent next year."
)


def _track_into(tmp_path: Path, store: Path) -> int:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "w", "text": WIRE, "role": "wire"}) + "\n")
    out = tmp_path / "rep.jsonl"
    return main(["track", str(corpus), "--no-clean", "-o", str(out), "--store", str(store)])


def test_track_makes_a_zero_byte_file_a_new_store(tmp_path: Path, capsys) -> None:
    store = tmp_path / "s.sqlite"
    store.touch()
    assert _track_into(tmp_path, store) == 0
    code, out, _ = _profiles_cli(store, capsys)
    assert code == 0 and json.loads(out)["profiles"][0]["articles"] == 1


@pytest.mark.parametrize("content", [b"x", b"my notes\n" * 50])
def test_track_refuses_a_file_that_is_not_sqlite(tmp_path: Path, capsys, content: bytes) -> None:
    store = tmp_path / "s.sqlite"
    store.write_bytes(content)
    assert _track_into(tmp_path, store) == 2
    assert "not a SQLite database" in capsys.readouterr().err
    assert store.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "s.sqlite"]
