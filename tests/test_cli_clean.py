"""`cleaner clean` and the batch API (clean_many, clean_frame): formats, outputs, exit codes,
order, parallelism, bounded memory.

Tests that take the `backend` fixture run the real cleaner (cleaner.clean + the shipped model) and
skip, saying why, when no model has been trained. The batch mechanics tests use their own
stand-in cleaners on purpose: they test order, errors and memory, not cleaning.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cleaner import batch, cli_clean
from cleaner.article import LABELS, Article
from cleaner.batch import clean_frame, clean_many
from cleaner.cli import main
from cleaner.cli_clean import render_text, safe_name
from cleaner.recurring import UNKNOWN_SITE_NOTE
from cleaner.sources import Record

REPO = Path(__file__).resolve().parents[1]

ARTICLE = """\
Japan and US agree framework to secure supply of rare earths
By Jane Doe and John Roe
October 28, 2025
TOKYO (Reuters) - Japan and the United States signed a framework on Tuesday to secure supplies \
of rare earths and other critical minerals, the two governments said.
The agreement sets out joint investment in mining and processing projects, and a mechanism to \
coordinate stockpiles in case of disruptions to supply.
Officials said the deal was meant to reduce both countries' dependence on processing capacity \
concentrated in a handful of places.
"This is about resilience," one official told reporters, asking not to be named because the \
talks were private.
The framework does not set binding targets, but it commits both sides to identify projects \
within six months and to share information on prices.
(Reporting by Jane Doe; Editing by John Roe)
"""


def _html(text: str) -> str:
    title, *paragraphs = text.strip().split("\n")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


@pytest.fixture
def backend() -> None:
    """The real cleaner with the shipped model; skip, saying why, when none has been trained."""
    _require_model()


def _require_model() -> None:
    from cleaner.model import load_model

    try:
        load_model()
    except Exception as exc:  # a checkout without a trained model: say so, do not fake it
        pytest.skip(f"no usable model for the real cleaner ({exc}); run `cleaner train`")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["clean", *args])
    out, err = capsys.readouterr()
    return code, out, err


def jsonl(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def docs(tmp_path: Path) -> list[Path]:
    paths = []
    for name in ["one.txt", "two.txt"]:
        path = tmp_path / "in" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(ARTICLE.replace("Tuesday", f"Tuesday ({name})"), encoding="utf-8")
        paths.append(path)
    return paths


# --- formats ------------------------------------------------------------------------------------


def test_text_format_is_title_byline_blank_body(backend, capsys, docs: list[Path]) -> None:
    code, out, _ = run(capsys, str(docs[0]))
    (article,) = clean_many([Record(str(docs[0]), text=docs[0].read_text())])
    assert code == 0
    assert out == render_text(article)
    rows = out.split("\n")
    assert rows[0] == (article.title or "") and rows[1] == (article.byline or "") and rows[2] == ""
    assert article.body and article.error is None


def test_text_format_separates_documents_with_a_form_feed_line(
    backend, capsys, docs: list[Path]
) -> None:
    code, out, _ = run(capsys, *map(str, docs))
    articles = list(clean_many(Record(str(p), text=p.read_text()) for p in docs))
    assert code == 0
    sections = out.split("\n\f\n")
    assert [s + "\n" for s in sections[:-1]] + sections[-1:] == [render_text(a) for a in articles]


def test_json_is_an_object_for_one_input_and_an_array_for_several(backend, capsys, docs) -> None:
    _, one, _ = run(capsys, "--format", "json", str(docs[0]))
    assert json.loads(one)["id"] == str(docs[0])
    _, several, _ = run(capsys, "--format", "json", *map(str, docs))
    assert [d["id"] for d in json.loads(several)] == [str(p) for p in docs]


def test_jsonl_has_the_contract_fields_and_passes_meta_through(
    backend, capsys, tmp_path: Path
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "r1", "text": ARTICLE, "url": "https://example.com/a"}) + "\n")
    code, out, err = run(capsys, "--format", "jsonl", str(src))
    (row,) = jsonl(out)
    assert code == 0 and err == ""
    assert {"id", "title", "byline", "body", "outlet"} <= row.keys() and "error" not in row
    assert (row["id"], row["url"]) == ("r1", "https://example.com/a")


def test_labels_show_every_line_with_label_score_reason(backend, capsys, docs: list[Path]) -> None:
    code, out, _ = run(capsys, "--format", "labels", str(docs[0]))
    (article,) = clean_many([Record(str(docs[0]), text=docs[0].read_text())])
    header, *rows = out.rstrip("\n").split("\n")
    assert code == 0 and header == f"# id: {docs[0]}"
    assert len(rows) == len(article.lines) > 0
    for row, line in zip(rows, article.lines, strict=True):
        label, score, reason, text = row.split("\t")
        assert label in LABELS and label == line.label
        assert 0.0 <= float(score) <= 1.0 and reason == line.reason.replace("\t", " ")
        assert text == line.text


# --- output folder ------------------------------------------------------------------------------


def test_output_dir_writes_one_file_per_input(backend, capsys, tmp_path: Path) -> None:
    for rel in ["a/x.txt", "b/x.txt", "c.html"]:
        path = tmp_path / "in" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLE if rel.endswith(".txt") else _html(ARTICLE))
    out_dir = tmp_path / "out"
    code, out, _ = run(capsys, str(tmp_path / "in"), "-o", str(out_dir), "--format", "json")
    files = sorted(p.name for p in out_dir.iterdir())
    assert out == "" and len(files) == 3 and all(f.endswith(".json") for f in files)
    written = [json.loads((out_dir / f).read_text()) for f in files]
    ids = sorted(d["id"] for d in written)
    assert ids == sorted(str(tmp_path / "in" / r) for r in ["a/x.txt", "b/x.txt", "c.html"])
    assert code == (1 if any("error" in d for d in written) else 0)


def test_output_dir_jsonl_is_one_cleaned_file(
    backend, capsys, docs: list[Path], tmp_path: Path
) -> None:
    code, _, _ = run(capsys, *map(str, docs), "-o", str(tmp_path / "o"), "--format", "jsonl")
    assert code == 0
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["cleaned.jsonl"]
    assert len(jsonl((tmp_path / "o" / "cleaned.jsonl").read_text())) == 2


def test_safe_name() -> None:
    used: set[str] = set()
    assert safe_name("data/2025/seed.txt", used) == "data_2025_seed"
    assert safe_name("data/2025/seed.html", used) == "data_2025_seed-2"
    assert safe_name("../../etc/passwd", used) == "etc_passwd"
    assert safe_name("feed.jsonl:12", used) == "feed.jsonl_12"
    assert safe_name("", used) == "document"
    assert safe_name("cleaned", used) == "cleaned-2"  # never collides with cleaned.jsonl
    long = safe_name("x" * 500, used)
    assert len(long) <= 120 and long != safe_name("x" * 499, used)


# --- stdin, exit codes, progress ----------------------------------------------------------------


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_no_path_reads_stdin(backend, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(ARTICLE.encode()))
    code, out, _ = run(capsys, "--format", "jsonl")
    (row,) = jsonl(out)
    assert code == 0 and row["id"] == "<stdin>" and row["body"]


class _Terminal(_Stdin):
    def isatty(self) -> bool:
        return True


def test_reading_a_terminal_says_how_to_end_it(backend, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal(ARTICLE.encode()))
    code, out, err = run(capsys, "--format", "jsonl")
    assert code == 0 and "end it with Ctrl-D" in err
    monkeypatch.setattr(sys, "stdin", _Stdin(ARTICLE.encode()))  # a pipe: nothing to say
    code, out, err = run(capsys, "--format", "jsonl")
    assert code == 0 and err == ""


def test_passed_through_nan_is_written_as_null(backend, capsys, monkeypatch) -> None:
    """Python's JSON reader takes NaN, Infinity and 1e999; strict readers refuse them back."""
    row = '{"id": "n", "text": %s, "score": NaN, "big": 1e999, "deep": {"x": [-Infinity, 1.5]}}'
    monkeypatch.setattr(sys, "stdin", _Stdin((row % json.dumps(ARTICLE)).encode()))
    for fmt in ("jsonl", "json"):
        code, out, _ = run(capsys, "--format", fmt)
        got = json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in the output"))
        assert (got["score"], got["big"], got["deep"]) == (None, None, {"x": [None, 1.5]})
        assert any("NaN or Infinity" in w for w in got["warnings"]) and got["body"]
        monkeypatch.setattr(sys, "stdin", _Stdin((row % json.dumps(ARTICLE)).encode()))


def test_stdin_jsonl_counts_add_up(backend, capsys, monkeypatch) -> None:
    rows = [json.dumps({"id": f"r{i}", "text": ARTICLE}) for i in range(5)] + ["oops"]
    monkeypatch.setattr(sys, "stdin", _Stdin("\n".join(rows).encode()))
    code, out, err = run(capsys, "-", "--format", "jsonl")
    got = jsonl(out)
    assert [r["id"] for r in got] == ["r0", "r1", "r2", "r3", "r4", "<stdin>:6"]
    assert code == 1 and "error" in got[-1] and "1 of 6 inputs failed" in err


def test_exit_2_when_nothing_could_be_read(backend, capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "--format", "jsonl", str(tmp_path / "missing.txt"))
    assert code == 2
    assert "missing.txt" in jsonl(out)[0]["error"]
    assert "1 of 1 inputs failed" in err


def test_exit_2_for_an_empty_folder(backend, capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, str(tmp_path))
    assert (code, out) == (2, "") and "no input documents" in err


@pytest.mark.parametrize("bad", [["--parallel", "0"], ["--max-bytes", "lots"], ["--format", "xml"]])
def test_usage_errors_exit_2(capsys, bad: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["clean", *bad, "x.txt"])
    assert exc.value.code == 2


def test_unloadable_model_exits_2(capsys, backend, docs, tmp_path: Path) -> None:
    code, out, err = run(capsys, "--model", str(tmp_path / "nope.json"), str(docs[0]))
    assert (code, out) == (2, "") and "cannot load" in err


def test_no_progress_unless_stderr_is_a_terminal(backend, capsys, docs, monkeypatch) -> None:
    _, _, err = run(capsys, *map(str, docs))
    assert err == ""
    monkeypatch.setattr(cli_clean, "_stderr_is_tty", lambda: True)
    _, _, err = run(capsys, *map(str, docs))
    assert re.search(r"\rcleaner clean: 1/2 inputs, [\d.]+/s", err)


def test_parallel_output_equals_serial_output(backend, capsys, tmp_path: Path) -> None:
    src = tmp_path / "many.jsonl"
    rows = [
        json.dumps({"id": f"d{i}", "text": ARTICLE.replace("Tuesday", f"day {i}")})
        for i in range(40)
    ]
    src.write_text("\n".join(rows[:20] + ["not json"] + rows[20:]) + "\n")
    serial = run(capsys, "--format", "jsonl", str(src))
    parallel = run(capsys, "--format", "jsonl", "--parallel", "2", str(src))
    assert serial == parallel
    assert serial[0] == 1 and len(jsonl(serial[1])) == 41


def test_parallel_labels_keep_every_line(backend, capsys, tmp_path: Path) -> None:
    """Workers send articles back without their lines unless the output shows them (the
    `labels` format): its rows are the serial run's, line for line."""
    src = tmp_path / "many.jsonl"
    rows = [
        json.dumps({"id": f"d{i}", "text": ARTICLE.replace("Tuesday", f"day {i}")})
        for i in range(6)
    ]
    src.write_text("\n".join(rows) + "\n")
    serial = run(capsys, "--format", "labels", str(src))
    parallel = run(capsys, "--format", "labels", "--parallel", "2", str(src))
    assert serial == parallel
    body_rows = [row for row in serial[1].splitlines() if row.startswith("body\t")]
    assert len(body_rows) >= 6 * 2  # each record's article lines are there


@pytest.mark.parametrize("parallel", [1, 2])
def test_clean_many_without_lines_gives_the_same_articles(backend, parallel: int) -> None:
    """lines=False: the same title, byline, body, outlet, error and warnings, and no lines (with
    workers, none are sent back)."""
    records = [{"id": f"d{i}", "text": ARTICLE.replace("Tuesday", f"day {i}")} for i in range(5)]
    records.append({"id": "empty", "text": ""})
    full = list(clean_many(records, parallel=parallel))
    slim = list(clean_many(records, parallel=parallel, lines=False))
    assert all(article.lines for article in full[:-1])
    assert all(article.lines == [] for article in slim)
    for a, b in zip(full, slim, strict=True):
        assert a.to_dict() == b.to_dict()


def test_python_dash_m_cleaner_on_stdin(backend) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", "--format", "jsonl"],
        input=ARTICLE.encode(),
        capture_output=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    (row,) = jsonl(proc.stdout.decode())
    assert row["id"] == "<stdin>" and row["body"] and "error" not in row


# --- clean_many mechanics (own stand-ins on purpose) --------------------------------------------


def _echo(record: Record, *, model: object = None) -> Article:
    if record.text == "boom":
        raise RuntimeError("bug in the cleaner")
    return Article(id=record.id, body=(record.text or record.html or "").upper(), meta=record.meta)


def test_clean_many_accepts_records_dicts_strings_and_bytes(monkeypatch) -> None:
    monkeypatch.setattr(batch, "_clean_record", _echo)
    items = [Record("r", text="a"), {"id": "d", "text": "b", "k": 1}, "c", {"nothing": 1}, 42]
    french = "Le café de la gare était fermé, déjà."
    items += [french.encode("cp1252"), b"\x89PNG\r\n\x1a\n\x00\x00"]  # bytes, as clean() takes
    out = list(clean_many(items))
    assert [a.id for a in out] == ["r", "d", "2", "3", "4", "5", "6"]
    assert [a.body for a in out[:3]] == ["A", "B", "C"] and out[1].meta == {"k": 1}
    assert out[3].error == "record 3: has neither 'text' nor 'html'"
    assert out[4].error == "record 4: expected a Record, dict, str or bytes, got int"
    assert out[5].body == french.upper()
    assert out[6].error == "6: binary content (looks like PNG)"


@pytest.mark.parametrize("parallel", [1, 2])
def test_a_crashing_record_does_not_end_the_batch(monkeypatch, parallel: int) -> None:
    monkeypatch.setattr(batch, "_clean_record", _echo)
    texts = [f"t{i}" for i in range(30)]
    texts[7] = "boom"
    out = list(clean_many(texts, parallel=parallel, chunksize=4))
    assert [a.id for a in out] == [str(i) for i in range(30)]
    assert out[7].error == "7: cleaning failed (RuntimeError: bug in the cleaner)"
    assert [a.body for a in out if a.ok] == [t.upper() for t in texts if t != "boom"]


def _dies_on_kill(record: Record, *, model: object = None) -> Article:
    if record.text == "kill":
        os._exit(1)  # a worker killed mid-record (OOM killer, a crash in compiled code)
    return _echo(record)


def test_a_dying_worker_costs_its_record_not_the_batch(monkeypatch) -> None:
    """multiprocessing.Pool would wait for the dead worker's task forever. Now the chunks in
    flight are run again: the oldest an item at a time, so only the record whose own run kills a
    worker comes back as an error; every other record is cleaned, in order."""
    monkeypatch.setattr(batch, "_clean_record", _dies_on_kill)
    texts = [f"t{i}" for i in range(40)]
    texts[9] = "kill"
    out = list(clean_many(texts, parallel=2, chunksize=4))
    assert [a.id for a in out] == [str(i) for i in range(40)]
    # before: the killer's chunk (8-11) was lost, and with it any earlier chunk still in flight
    assert [int(a.id) for a in out if not a.ok] == [9]
    assert "worker process cleaning it died" in out[9].error
    assert [a.body for a in out if a.ok] == [t.upper() for i, t in enumerate(texts) if i != 9]


def test_two_killers_cost_two_records(monkeypatch) -> None:
    monkeypatch.setattr(batch, "_clean_record", _dies_on_kill)
    texts = [f"t{i}" for i in range(60)]
    texts[5] = texts[30] = "kill"
    out = list(clean_many(texts, parallel=2, chunksize=8))
    assert [int(a.id) for a in out if not a.ok] == [5, 30]
    assert len(out) == 60


def test_closing_the_stream_early_returns(monkeypatch) -> None:
    """A consumer that stops reading (islice, then close) must not hang on tasks in flight."""
    monkeypatch.setattr(batch, "_clean_record", _echo)
    for _ in range(20):
        stream = clean_many((f"doc {i}" for i in range(10_000)), parallel=2, chunksize=8)
        assert [a.body for a in itertools.islice(stream, 5)] == [f"DOC {i}" for i in range(5)]
        stream.close()


def test_parallel_streaming_reads_input_only_a_bounded_window_ahead(monkeypatch) -> None:
    monkeypatch.setattr(batch, "_clean_record", _echo)
    consumed = itertools.count()

    def endless():
        for i in itertools.count():
            next(consumed)
            yield f"doc {i}"

    stream = clean_many(endless(), parallel=2, chunksize=8)
    first = list(itertools.islice(stream, 50))
    stream.close()
    assert [a.body for a in first] == [f"DOC {i}" for i in range(50)]
    assert next(consumed) < 50 + 2 * 4 * 8 + 8  # results read + the in-flight window


# --- clean_frame ------------------------------------------------------------------------------


def test_clean_frame_keeps_index_and_columns(monkeypatch) -> None:
    pd = pytest.importorskip("pandas")
    monkeypatch.setattr(batch, "_clean_record", _echo)
    df = pd.DataFrame(
        {"text": ["a", None, "c"], "html": [None, "<p>b</p>", ""], "key": ["k1", "k2", None]},
        index=[10, 20, 30],
    )
    out = clean_frame(df, html_column="html", id_column="key")
    assert list(out.index) == [10, 20, 30]
    assert list(out.columns) == [
        "text",
        "html",
        "key",
        "title",
        "byline",
        "body",
        "outlet",
        "error",
        "warnings",
    ]
    assert list(out["body"]) == ["A", "<P>B</P>", "C"]
    assert out["error"].isna().all()
    assert out["warnings"].isna().all()
    assert list(df.columns) == ["text", "html", "key"]  # the input frame is not changed
    missing = clean_frame(pd.DataFrame({"text": ["x", float("nan")]}))
    assert missing["error"].iloc[1] == "1: row 1 has no string in 'text'"
    with pytest.raises(KeyError, match="no column 'body_text'"):
        clean_frame(df, text_column="body_text")
    twice = pd.DataFrame([["a", "b"]], columns=["text", "text"])
    with pytest.raises(ValueError, match="2 columns named 'text'"):
        clean_frame(twice)


def test_clean_frame_reads_html_in_the_text_column_as_html(monkeypatch) -> None:
    """As clean() reads a string: a cell that looks like a page is parsed, not kept as text."""
    pd = pytest.importorskip("pandas")
    kind = lambda record, *, model=None: Article(  # noqa: E731
        id=record.id, body="html" if record.html is not None else "text"
    )
    monkeypatch.setattr(batch, "_clean_record", kind)
    page = "<html><body><h1>Head</h1><p>Body text.</p></body></html>"
    out = clean_frame(pd.DataFrame({"text": [page, "<< Back to news", "Plain words."]}))
    assert list(out["body"]) == ["html", "text", "text"]


def test_clean_frame_end_to_end(backend) -> None:
    pd = pytest.importorskip("pandas")
    out = clean_frame(pd.DataFrame({"text": [ARTICLE, ""]}, index=["a", "b"]))
    assert list(out.index) == ["a", "b"]
    assert out.loc["a", "body"] and out.loc["a", "error"] is None
    assert out.loc["b", "body"] == "" and "empty" in out.loc["b", "error"]
    assert out.loc["a", "warnings"] is None


def test_clean_frame_reports_warnings(backend) -> None:
    pd = pytest.importorskip("pandas")
    paragraphs = "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines())
    deep = "<div>" * 3000 + "<p>Lost below the nesting limit.</p>"
    frame = pd.DataFrame(
        {
            "html": [
                f"<html><body>{paragraphs}</body></html>",
                f"<html><body>{paragraphs}{deep}</body></html>",
            ]
        }
    )
    out = clean_frame(frame, html_column="html")
    assert out["warnings"].iloc[0] is None and out["error"].iloc[0] is None
    assert out["warnings"].iloc[1] == (
        "the HTML nests more than 2048 elements deep; the text after that point is lost"
    )
    assert out["body"].iloc[1] == out["body"].iloc[0]  # what came before the limit is kept


def test_site_boilerplate_on_a_folder_of_html_files(backend, capsys, tmp_path: Path) -> None:
    """Files have no `site` field: their og:url names the site; a file without one is cleaned
    alone and its record says so. Exit 0: a warning is not a failure."""
    motto = "The Gazette has served the valley since 1901 and answers to its readers alone."
    folder = tmp_path / "site"
    folder.mkdir()
    stories = [
        "The harbour board approved a new ferry timetable on Monday after months of complaints "
        "from commuters, who said the old one left them waiting in the rain for an hour.",
        "A family bakery on Main Street won the regional bread award this week; the owners said "
        "the sourdough recipe came from a grandmother who opened the shop in 1962.",
        "Repairs to the old river bridge will close the road for a month from next week, "
        "officials said, and drivers are asked to use the highway detour instead.",
        "The school district named a new superintendent on Tuesday; she previously led a district "
        "in the north of the state and will start at the beginning of August.",
    ]
    headlines = [
        "Ferry timetable approved",
        "Bakery wins bread award",
        "River bridge to close for repairs",
        "District names superintendent",
    ]
    for k, story in enumerate(stories):
        og = f'<meta property="og:url" content="https://gazette.example/{k}">' if k < 3 else ""
        body = f"<h1>{headlines[k]}</h1><p>{story}</p><p>{motto}</p>"
        page = f"<html><head>{og}</head><body>{body}</body></html>"
        (folder / f"p{k}.html").write_text(page, encoding="utf-8")
    code, out, _ = run(capsys, str(folder), "--format", "jsonl", "--site-boilerplate")
    assert code == 0
    records = {Path(r["id"]).name: r for r in jsonl(out)}
    for k in range(3):
        record = records[f"p{k}.html"]
        assert stories[k] in record["body"]
        assert motto not in record["body"] and "warnings" not in record
    alone = records["p3.html"]
    assert stories[3] in alone["body"] and alone["warnings"] == [UNKNOWN_SITE_NOTE]


def test_spawned_workers_clean_with_the_model_they_are_given(monkeypatch) -> None:
    """Where there is no fork (macOS, Windows), workers are spawned: they must get the caller's
    model (pickled), not load the shipped one. Here a model that calls every text line
    boilerplate: only the best-candidate fallback keeps one line."""
    import pickle

    from cleaner.model import Ensemble, load_model

    model = pickle.loads(pickle.dumps(load_model()))
    members = model.networks["text/pass1"].members
    for net in members:
        net.biases[-1] = net.biases[-1].copy()
        net.biases[-1][LABELS.index("boilerplate")] += 30.0
    model.networks["text/pass1"] = Ensemble(members)
    texts = [
        "Council approves budget\nThe city council approved a new budget for parks on Monday "
        f"after a long debate, officials said.\nMembers voted {k} to two in favour of the plan."
        for k in ("five", "six", "seven")
    ]
    serial = [a.body for a in clean_many(texts, model=model)]
    assert serial != [a.body for a in clean_many(texts)]  # the model makes a difference
    monkeypatch.setattr(batch, "fork_context", lambda: None)
    spawned = [a.body for a in clean_many(texts, model=model, parallel=2, chunksize=1)]
    assert spawned == serial


@pytest.mark.skipif(not hasattr(os, "fork"), reason="SIGTERM and forked workers: POSIX only")
def test_sigterm_stops_a_parallel_run_and_its_workers(backend) -> None:
    """Before: SIGTERM killed the main process only; its workers waited for work for ever and
    kept the stderr pipe open, so a supervisor reading it to the end hung."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "clean", "--format", "jsonl", "--parallel", "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    lines: queue.Queue[bytes] = queue.Queue()
    err: list[bytes] = []
    readers = [
        threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True),
        threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        record = json.dumps({"id": "a", "text": ARTICLE}) + "\n"
        proc.stdin.write(record.encode() * 400)  # more than the chunks the workers hold
        proc.stdin.flush()  # and left open: the run waits for more records, workers alive
        assert json.loads(lines.get(timeout=60))["id"] == "a"  # the workers are working
        proc.terminate()
        proc.wait(timeout=60)
        readers[1].join(timeout=60)  # stderr ends only when every process holding it is gone
        assert not readers[1].is_alive(), "worker processes outlived the run"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdin.close()
    assert proc.returncode == 143, err
    assert b"Traceback" not in err[0]


def test_sigterm_is_not_taken_for_one_pages_failure(monkeypatch) -> None:
    """clean() turns a page's unexpected exception into its error record (`except
    Exception`); SIGTERM's exception must pass through it, or a serial run would write an
    "internal error: Terminated" record and go on."""
    import importlib

    from cleaner.cli import Terminated

    clean_module = importlib.import_module("cleaner.clean")

    def stopped(*args, **kwargs):
        raise Terminated

    monkeypatch.setattr(clean_module, "classify", stopped)
    with pytest.raises(Terminated):
        clean_module.clean(ARTICLE)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs: POSIX only")
def test_a_folder_problem_goes_through_parallel_workers(backend, tmp_path: Path, capsys) -> None:
    """A FIFO in a folder is an error record; with --parallel its record crossed to a worker
    and could not be unpickled, which killed the worker and cost the good files beside it."""
    for i in range(5):
        (tmp_path / f"b{i}.txt").write_text(ARTICLE)
    os.mkfifo(tmp_path / "a1.txt")
    os.mkfifo(tmp_path / "a2.txt")
    code = main(["clean", "--format", "jsonl", "--parallel", "2", str(tmp_path)])
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(rows) == 7 and "Traceback" not in err
    assert [r["error"].endswith("not read from a folder") for r in rows[:2]] == [True, True]
    assert all("error" not in r and r["body"] for r in rows[2:])
