"""The site-boilerplate batch reads its records twice instead of holding them: the same output as
counting a batch held in memory, for lists, generators, files, folders, stdin and pipes; a file
that changes or vanishes between the passes costs its own records; a temporary copy that cannot
be written says so."""

from __future__ import annotations

import errno
import io
import json
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner import clean_many, sitebatch
from cleaner.article import Article
from cleaner.batch import clean_one
from cleaner.clean import read_page
from cleaner.cli import main
from cleaner.cli_clean import render_jsonl
from cleaner.recurring import RecurringLines, UnknownSite, site_of_meta, site_of_page
from cleaner.sources import Record, iter_records

STORIES = [
    "The harbour board approved a new ferry timetable on Monday after months of complaints from "
    "commuters, who said the old one left them waiting in the rain for an hour.",
    "A family bakery on Main Street won the regional bread award this week; the owners said the "
    "sourdough recipe came from a grandmother who opened the shop in 1962.",
    "Repairs to the old river bridge will close the road for a month from next week, officials "
    "said, and drivers are asked to use the highway detour instead.",
    "The school district named a new superintendent on Tuesday; she previously led a district in "
    "the north of the state and will start at the beginning of August.",
    "The city council approved a new budget for parks on Monday after a long debate, adding "
    "funds for playgrounds, benches and a splash pad near the library.",
    "A late frost damaged much of the apple crop in the valley, growers said, and prices at the "
    "farmers market are expected to rise by a third this autumn.",
    "The county fair will return in September with a new livestock barn, after two years in "
    "which storms and a shortage of volunteers kept the gates closed.",
]
FURNITURE = {
    "gazette.example": "The Gazette has served the valley since 1901 and answers to its readers.",
    "courier.example": "Support the Courier: local reporting depends on readers like you today.",
}


def _text(site: str, k: int) -> str:
    story = STORIES[k % len(STORIES)]
    more = f"Residents can read all {20 + k} pages of the report at the library, officials said."
    return "\n".join([f"Story {k} from {site.split('.')[0]}", story, more, FURNITURE[site]])


def _html(site: str, k: int, og: bool = True) -> str:
    title, *paragraphs = _text(site, k).split("\n")
    meta = f'<meta property="og:url" content="https://{site}/{k}">' if og else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head>{meta}</head><body><h1>{title}</h1>{body}</body></html>"


def _records() -> list[Record]:
    """Two sites as text records (url fields) and as HTML (og:url), and one of no site."""
    out = []
    for k in range(9):
        site = "gazette.example" if k % 2 else "courier.example"
        out.append(Record(f"t{k}", text=_text(site, k), meta={"url": f"https://{site}/{k}"}))
        out.append(Record(f"h{k}", html=_html(site, k)))
    out.append(Record("alone", html=_html("gazette.example", 9, og=False)))
    return out


def _in_memory(records: list[Record]) -> list[Article]:
    """The site batch as the public pieces give it with the whole batch in memory: every page
    read and its lines counted for its site, then each cleaned with its site's lines."""
    recurring, sites = RecurringLines(), []
    for record in records:
        html = record.html is not None
        page, _ = read_page(record.html if html else record.text, kind="html" if html else "text")
        site = site_of_meta(record.meta) or site_of_page(page.url, page.site_name)
        recurring.observe(site, [ln.text for ln in page.lines])
        sites.append(site)
    return [
        clean_one(r, None, recurring.for_site(s) if s else UnknownSite())
        for r, s in zip(records, sites, strict=True)
    ]


def _same(got: list[Article], expected: list[Article]) -> None:
    def view(a: Article) -> tuple:
        lines = [(ln.text, ln.label, ln.reason) for ln in a.lines]
        return a.id, a.title, a.byline, a.body, a.error, a.warnings, a.meta, lines

    assert [view(a) for a in got] == [view(a) for a in expected]


def _recurs(articles: list[Article]) -> int:
    return sum("recurs on" in ln.reason for a in articles for ln in a.lines)


def test_the_reference_batch_has_recurring_lines() -> None:
    """The comparisons below would be empty if nothing recurred."""
    expected = _in_memory(_records())
    assert _recurs(expected) >= 16
    assert expected[-1].warnings and "unknown" in expected[-1].warnings[-1]


@pytest.mark.parametrize("parallel", [1, 2])
def test_a_generator_is_read_once_and_cleaned_as_in_memory(parallel: int) -> None:
    records = _records()
    started = []

    def once() -> Iterator[Record]:
        started.append(1)
        yield from records

    got = list(clean_many(once(), site_boilerplate=True, parallel=parallel, chunksize=3))
    assert started == [1]
    _same(got, _in_memory(records))


def test_a_list_is_cleaned_as_in_memory_with_workers() -> None:
    records = _records()
    _same(list(clean_many(records, site_boilerplate=True, parallel=2)), _in_memory(records))


def _write_inputs(folder: Path) -> list[str]:
    """The batch as files: HTML files (their og:url names the site) and the text records as
    one JSONL file; the paths in the order the CLI reads them."""
    folder.mkdir()
    rows = []
    for record in _records():
        if record.html is not None:
            (folder / f"{record.id}.html").write_text(record.html, encoding="utf-8")
        else:
            rows.append(json.dumps({"id": record.id, "text": record.text, **record.meta}))
    (folder / "texts.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return [str(p) for p in sorted(folder.iterdir())]


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["clean", "--format", "jsonl", "--site-boilerplate", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("parallel", ["1", "2"])
def test_the_cli_on_a_folder_writes_what_the_in_memory_batch_gives(
    capsys, tmp_path: Path, parallel: str
) -> None:
    paths = _write_inputs(tmp_path / "in")
    expected = _in_memory(list(iter_records(paths)))
    code, out, _ = _cli(capsys, str(tmp_path / "in"), "--parallel", parallel)
    assert code == 0
    assert out == "".join(render_jsonl(a) for a in expected)
    assert _recurs(expected) >= 16


def test_stdin_is_read_twice_from_a_temporary_copy(capsys, monkeypatch) -> None:
    records = [r for r in _records() if r.text is not None]
    rows = [json.dumps({"id": r.id, "text": r.text, **r.meta}) for r in records]
    monkeypatch.setattr(sys, "stdin", _Stdin("\n".join(rows).encode()))
    spools = _watch_spools(monkeypatch)
    code, out, _ = _cli(capsys)
    assert code == 0
    expected = _in_memory(list(iter_records(["-"], stdin=io.BytesIO("\n".join(rows).encode()))))
    assert out == "".join(render_jsonl(a) for a in expected)
    assert len(spools) == 1 and spools[0].closed  # the copy is gone


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_read_twice_from_a_temporary_copy(capsys, tmp_path: Path) -> None:
    """A FIFO (what `<(zcat feed.jsonl)` names) cannot be read twice: it is copied first."""
    records = [r for r in _records() if r.text is not None]
    data = "\n".join(json.dumps({"id": r.id, "text": r.text, **r.meta}) for r in records)
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_text, args=(data,), daemon=True)
    writer.start()
    code, out, _ = _cli(capsys, str(fifo))
    writer.join(5)
    expected = _in_memory(list(iter_records(["-"], stdin=io.BytesIO(data.encode()))))
    assert code == 0 and out == "".join(render_jsonl(a) for a in expected)


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def isatty(self) -> bool:
        return False


def _watch_spools(monkeypatch) -> list:
    """The temporary files the site pass makes, kept to see that they were closed."""
    made = []
    real = tempfile.TemporaryFile

    def watched(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", watched)
    return made


def _between_the_passes(monkeypatch, change) -> None:
    """Run `change()` after the first pass, before the second reads anything."""
    real = sitebatch._second_pass

    def second(source, tickets):
        change()
        return real(source, tickets)

    monkeypatch.setattr(sitebatch, "_second_pass", second)


@pytest.mark.parametrize("parallel", ["1", "2"])
def test_a_file_deleted_between_the_passes_is_an_error_record(
    capsys, monkeypatch, tmp_path: Path, parallel: str
) -> None:
    paths = _write_inputs(tmp_path / "in")
    gone = next(p for p in paths if p.endswith("h3.html"))
    _between_the_passes(monkeypatch, lambda: os.remove(gone))
    code, out, err = _cli(capsys, *paths, "--parallel", parallel)
    rows = {row["id"]: row for row in map(json.loads, out.splitlines())}
    assert code == 1 and "1 of 19 inputs failed" in err
    assert rows[gone]["error"].startswith(f"{gone}: cannot read") and "No such file" in err + out
    assert len(rows) == 19 and sum("error" in row for row in rows.values()) == 1
    kept = next(p for p in paths if p.endswith("h1.html"))
    assert FURNITURE["gazette.example"] not in rows[kept]["body"]  # its site's lines still known


def test_a_file_changed_between_the_passes_is_an_error_record(
    capsys, monkeypatch, tmp_path: Path
) -> None:
    """Its lines were counted as they were: it is not cleaned as it is now. A JSONL file that
    lost records gives one error record for them."""
    paths = _write_inputs(tmp_path / "in")
    changed = next(p for p in paths if p.endswith("h4.html"))
    feed = next(p for p in paths if p.endswith(".jsonl"))

    def change() -> None:
        Path(changed).write_text(_html("courier.example", 5), encoding="utf-8")
        rows = Path(feed).read_text(encoding="utf-8").splitlines()
        Path(feed).write_text("\n".join(rows[:-2]) + "\n", encoding="utf-8")

    _between_the_passes(monkeypatch, change)
    code, out, err = _cli(capsys, *paths)
    rows = [json.loads(row) for row in out.splitlines()]
    errors = {row["id"]: row["error"] for row in rows if "error" in row}
    assert code == 1 and f"2 of {len(rows)} inputs failed" in err
    assert errors == {
        changed: f"{changed}: changed between the site pass and cleaning (its lines were "
        "counted as they were); not cleaned",
        feed: f"{feed}: 2 of the 9 records the site pass read are gone; not cleaned",
    }


def test_a_record_that_cannot_be_pickled_costs_only_itself() -> None:
    records = _records()
    odd = Record("odd", text=records[0].text, meta={"url": "https://courier.example/x"})
    odd.meta["handle"] = threading.Lock()
    got = {a.id: a for a in clean_many(iter([*records, odd]), site_boilerplate=True)}
    assert "cannot be kept for the second pass" in got["odd"].error
    assert all(got[r.id].error is None for r in records)


class _FullDisk(io.BytesIO):
    def write(self, data) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_spool_that_cannot_be_written_is_a_clear_error(capsys, monkeypatch) -> None:
    made: list[_FullDisk] = []
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **_: made.append(_FullDisk()) or made[-1])
    with pytest.raises(sitebatch.SpoolError, match="No space left on device.*TMPDIR"):
        list(clean_many(iter(_records()), site_boilerplate=True))
    assert made and all(f.closed for f in made)
    monkeypatch.setattr(sys, "stdin", _Stdin(b"A page of text.\nAnd another line of it.\n"))
    code, out, err = _cli(capsys)
    assert code == 2 and out == ""
    assert "cannot write a temporary copy of <stdin>" in err and "No space left" in err
    assert made[-1].closed


class _Counted(Record):
    """A Record that counts how many of its kind are alive (made by the generator, or
    unpickled from the spool: both go through __new__)."""

    alive = 0
    most = 0

    def __new__(cls, *args, **kwargs):
        cls.alive += 1
        cls.most = max(cls.most, cls.alive)
        return super().__new__(cls)

    def __del__(self) -> None:
        type(self).alive -= 1


def test_a_generator_batch_is_not_held_in_memory() -> None:
    """Both passes hold a record or two at a time, however long the batch: the first pass
    spools them, the second reads them back one by one."""
    records = _records()

    def counted() -> Iterator[Record]:
        for r in records * 3:
            yield _Counted(r.id, text=r.text, html=r.html, meta=dict(r.meta))

    got = list(clean_many(counted(), site_boilerplate=True))
    assert len(got) == 3 * len(records) and _recurs(got) >= 16
    assert _Counted.most <= 3
