"""Issue 2, "Bad input": every kind of bad input goes through `cleaner clean --format jsonl` next
to a good document. Each gives a clear per-input error or an empty article with a reason, the
batch finishes, nothing else is lost (one output record per input), and the exit code says
whether anything failed (1) or not (0).

Runs the real cleaner and skips, saying why, when no model has been trained.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from cleaner.batch import clean_many
from cleaner.cli import main
from cleaner.sources import iter_records
from cleaner.text import words

GOOD = """\
Japan and US agree framework to secure supply of rare earths
TOKYO (Reuters) - Japan and the United States signed a framework on Tuesday to secure supplies \
of rare earths and other critical minerals, the two governments said.
The agreement sets out joint investment in mining and processing projects, and a mechanism to \
coordinate stockpiles in case of disruptions to supply.
Officials said the deal was meant to reduce both countries' dependence on processing capacity \
concentrated in a handful of places.
(Reporting by Jane Doe; Editing by John Roe)
"""

GERMAN = """\
Japan und USA vereinbaren Rahmenabkommen für seltene Erden
Von Anna Schmidt
TOKIO - Japan und die Vereinigten Staaten haben am Dienstag ein Rahmenabkommen unterzeichnet, \
das die Versorgung mit seltenen Erden und anderen kritischen Mineralien sichern soll.
Die Vereinbarung sieht gemeinsame Investitionen in Bergbau- und Verarbeitungsprojekte vor sowie \
einen Mechanismus, um Lagerbestände bei Lieferstörungen abzustimmen.
Beide Regierungen wollen damit ihre Abhängigkeit von wenigen Verarbeitungsstandorten verringern, \
sagten Vertreter in Tokio.
„Es geht um Widerstandsfähigkeit“, sagte ein Beamter, der anonym bleiben wollte.
Verbindliche Ziele enthält das Abkommen nicht; innerhalb von sechs Monaten sollen aber erste \
Projekte benannt werden.
"""

FRENCH = "Le café de la gare était fermé. Déjà vu, naïve façade, où est le garçon?"


@pytest.fixture(autouse=True)
def backend() -> None:
    """The real cleaner with the shipped model; skip, saying why, when none has been trained."""
    from cleaner.model import load_model

    try:
        load_model()
    except Exception as exc:  # a checkout without a trained model: say so, do not fake it
        pytest.skip(f"no usable model for the real cleaner ({exc}); run `cleaner train`")


def clean_batch(capsys, tmp_path: Path, bad: Path) -> tuple[int, dict, dict, str]:
    """Run `cleaner clean --format jsonl` on [good.txt, bad] and return (exit code, good record,
    bad record, stderr), after checking that there is exactly one record per input."""
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    code = main(["clean", "--format", "jsonl", str(good), str(bad)])
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == [str(good), str(bad)]  # counts add up, order kept
    good_rec, bad_rec = records
    assert "error" not in good_rec and good_rec["body"]  # the good document is still cleaned
    assert ("1 of 2 inputs failed" in err) == (code == 1)
    return code, good_rec, bad_rec, err


def test_empty_file(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    code, _, rec, _ = clean_batch(capsys, tmp_path, bad)
    assert rec["body"] == "" and rec["title"] is None
    assert rec.get("error") and "empty" in rec["error"].lower()
    assert code == 1


def test_binary_file(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "picture.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(20_000))
    code, _, rec, _ = clean_batch(capsys, tmp_path, bad)
    assert rec["error"] == f"{bad}: binary content (looks like PNG)" and rec["body"] == ""
    assert code == 1


def test_undecodable_bytes_are_decoded_by_detection(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes((GOOD + FRENCH + "\n").encode("latin-1"))  # invalid as UTF-8
    code, _, rec, _ = clean_batch(capsys, tmp_path, bad)
    assert code == 0 and "error" not in rec
    (article,) = clean_many(iter_records([str(bad)]))
    assert FRENCH in "\n".join(line.text for line in article.lines)  # words intact


def test_bytes_no_encoding_reads_are_an_error_not_an_article(capsys, tmp_path: Path) -> None:
    # random high bytes: no control bytes (not "binary"), no encoding detected; before, an
    # "article" of 2,315 characters, 81 % of them U+FFFD
    bad = tmp_path / "noise.txt"
    rng = random.Random(1)
    bad.write_bytes(bytes(rng.randrange(128, 256) for _ in range(3000)))
    code, _, rec, _ = clean_batch(capsys, tmp_path, bad)
    assert rec["error"].startswith(f"{bad}: undecodable bytes (")
    assert rec["error"].endswith("characters are not UTF-8, and no other encoding fits)")
    assert rec["body"] == "" and code == 1


def test_symbols_without_a_word_are_an_empty_article(capsys, tmp_path: Path) -> None:
    # before: body "*****\n=====", its lines "article text (0 words)"
    bad = tmp_path / "rules.txt"
    bad.write_text("-----\n*****\n=====\n", encoding="utf-8")
    code, _, rec, _ = clean_batch(capsys, tmp_path, bad)
    assert rec["error"] == "empty: the input has no words (only symbols)"
    assert rec["body"] == "" and code == 1


def test_cp1252_smart_quotes(capsys, tmp_path: Path) -> None:
    quoted = "\u201cThis is about resilience,\u201d one official said \u2014 it\u2019s a start."
    bad = tmp_path / "cp1252.txt"
    bad.write_bytes((GOOD + quoted + "\n").encode("cp1252"))
    code, _, rec, _ = clean_batch(capsys, tmp_path, bad)
    assert code == 0 and "error" not in rec
    (article,) = clean_many(iter_records([str(bad)]))
    assert quoted in [line.text for line in article.lines]


def test_fifty_megabyte_file(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "huge.txt"
    with bad.open("wb") as handle:
        handle.write(GOOD.encode())
        handle.truncate(50_000_000)  # sparse: fast, and proves the file is never read
    started = time.perf_counter()
    code, _, rec, _ = clean_batch(capsys, tmp_path, bad)
    assert rec["error"] == f"{bad}: file is 50 MB, over the 20 MB limit; raise --max-bytes"
    assert code == 1
    assert time.perf_counter() - started < 10


def test_one_megabyte_single_line(capsys, tmp_path: Path) -> None:
    """Cleaned without a crash in reasonable time, every word kept in the lines. Whether such a
    jumble has article text is the model's call: a body, or an empty article with a reason."""
    rng = random.Random(3)
    vocab = GERMAN.split() + GOOD.split()
    line = " ".join(rng.choice(vocab) for _ in range(200_000))[:1_000_000].strip()
    bad = tmp_path / "oneline.txt"
    bad.write_text(line, encoding="utf-8")
    started = time.perf_counter()
    code, _, rec, _ = clean_batch(capsys, tmp_path, bad)
    assert time.perf_counter() - started < 30
    assert rec["body"] or rec["error"]
    assert code == (1 if "error" in rec else 0)
    (article,) = clean_many(iter_records([str(bad)]))
    assert words(" ".join(ln.text for ln in article.lines)) == words(line)


def _one_line_article(chars: int) -> str:
    """A long news story on one line (a scraper that dropped every line break): sentences of
    one topic, none repeated."""
    rng = random.Random(5)
    places = ["Leeds", "Bristol", "the old harbour", "the northern district", "the city centre"]
    sentences = []
    for n in range(chars // 60):
        sentences.append(
            f"The council said on {rng.choice(['Monday', 'Tuesday', 'Friday'])} that "
            f"{100 + 7 * n} new homes would be built in {rng.choice(places)} by {2027 + n % 9}, "
            f"and that {rng.choice(['residents', 'planners', 'builders'])} had been consulted "
            f"{n % 12 + 2} times."
        )
    return " ".join(sentences)[:chars].rsplit(". ", 1)[0] + "."


@pytest.mark.parametrize("kind", ["text", "html"])
def test_one_line_article_is_kept_in_paragraph_sized_lines(tmp_path: Path, kind: str) -> None:
    """A whole story on one 300,000-character line is cut at sentence ends into lines the
    classifier can judge; the article keeps (nearly) all of it, and a warning says it was cut.
    The model judged 100,000-character pieces of such prose boilerplate."""
    line = _one_line_article(300_000)
    content = line if kind == "text" else f"<html><body><h1>Homes</h1><p>{line}</p></body></html>"
    (article,) = clean_many([{"id": "x", kind: content}])
    assert article.ok, article.error
    assert len(words(article.body)) >= 0.95 * len(words(line))
    assert all(len(ln.text) <= 2_000 for ln in article.lines)
    assert any("cut at sentence ends" in w for w in article.warnings), article.warnings


def test_html_with_no_body(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "nobody.html"
    bad.write_text("<html><head><title>x</title></head></html>")
    code, _, rec, _ = clean_batch(capsys, tmp_path, bad)
    assert rec["body"] == "" and rec.get("error")
    assert code == 1


def test_non_english_page(capsys, tmp_path: Path) -> None:
    page = tmp_path / "de.txt"
    page.write_text(GERMAN, encoding="utf-8")
    code, _, rec, _ = clean_batch(capsys, tmp_path, page)
    assert code == 0 and "error" not in rec and rec["body"]
    (article,) = clean_many(iter_records([str(page)]))
    assert [line.text for line in article.lines] == GERMAN.strip().split("\n")  # words intact


def test_jsonl_line_that_is_not_json(capsys, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    rows = [
        json.dumps({"id": "a", "text": GOOD}),
        '{"id": "b", "text": "unterminated',
        json.dumps({"id": "c", "text": GERMAN}),
    ]
    feed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code = main(["clean", "--format", "jsonl", str(feed)])
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["a", f"{feed}:2", "c"]
    assert records[1]["error"].startswith(f"{feed}:2: not valid JSON")
    assert "error" not in records[0] and records[0]["body"]
    assert "error" not in records[2] and records[2]["body"]
    assert code == 1 and "1 of 3 inputs failed" in err


def test_all_bad_inputs_in_one_batch(capsys, tmp_path: Path) -> None:
    """Everything at once, in a folder: the batch finishes with one record per input."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a_good.txt").write_text(GOOD)
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_binary.dat").write_bytes(b"%PDF-1.4\n" + random.Random(2).randbytes(5000))
    (folder / "d_latin1.txt").write_bytes((GOOD + FRENCH).encode("latin-1"))
    with (folder / "e_huge.txt").open("wb") as handle:
        handle.truncate(50_000_000)
    (folder / "f_nobody.html").write_text("<html><head><title>x</title></head></html>")
    (folder / "g_german.txt").write_text(GERMAN)
    (folder / "h_feed.jsonl").write_text(
        json.dumps({"id": "ok", "text": GOOD}) + "\nnot json\n\n" + json.dumps({"text": GOOD})
    )
    code = main(["clean", "--format", "jsonl", str(folder)])
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 10  # 7 files + 3 JSONL records (the blank line is not a record)
    failed = sorted(Path(r["id"].split(":")[0]).name for r in records if "error" in r)
    assert failed == [
        "b_empty.txt",
        "c_binary.dat",
        "e_huge.txt",
        "f_nobody.html",
        "h_feed.jsonl",
    ]
    assert code == 1 and "5 of 10 inputs failed; see error records" in err


def test_jsonl_text_with_lone_surrogates_is_cleaned(capsys, tmp_path: Path) -> None:
    """JSON may escape half of a UTF-16 pair ("\\ud800"); no encoder accepts one. The character
    becomes U+FFFD and the rest of the page is cleaned, in text and in HTML, and an id or a
    passed-through field holding one still comes out as valid JSON."""
    broken = GOOD.replace("critical minerals", "critical \ud800minerals")
    page = "<html><body>" + "".join(f"<p>{line}</p>" for line in broken.splitlines()) + "</body>"
    feed = tmp_path / "feed.jsonl"
    rows = [
        json.dumps({"id": "text", "text": broken}),
        json.dumps({"id": "html", "html": page}),
        json.dumps({"id": "odd\udc80id", "text": GOOD, "note": "x\ud83d"}),
    ]
    assert "\\ud800" in rows[0]  # json.dumps escapes it: the file itself is plain ASCII
    feed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code = main(["clean", "--format", "jsonl", str(feed)])
    out, _ = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(records) == 3
    for record in records[:2]:
        assert "error" not in record
        assert "critical \ufffdminerals, the two governments said." in record["body"]
    assert records[2]["id"] == "odd\udc80id" and records[2]["note"] == "x\ud83d"
    assert "error" not in records[2] and records[2]["body"]


@pytest.mark.parametrize("fmt", ["text", "json", "labels"])
def test_other_formats_write_a_record_with_a_lone_surrogate(capsys, tmp_path: Path, fmt) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "odd\ud800id", "text": GOOD}) + "\n", encoding="utf-8")
    assert main(["clean", "--format", fmt, str(feed)]) == 0
    out = capsys.readouterr().out
    out.encode("utf-8")  # what reached the stream is valid UTF-8 text
    assert "secure supplies" in out
    if fmt == "json":
        assert json.loads(out)["id"] == "odd\ud800id"  # escaped, and exact on reading back
    if fmt == "labels":
        assert out.startswith("# id: odd\ufffdid")
    out_dir = tmp_path / fmt
    assert main(["clean", "--format", fmt, "-o", str(out_dir), str(feed)]) == 0
    (written,) = out_dir.iterdir()
    assert "secure supplies" in written.read_text(encoding="utf-8")


@pytest.mark.parametrize("value", [None, 5, ["<p>x</p>"], {"text": "x"}])
def test_clean_says_what_it_expected_for_a_value_that_is_not_a_page(value) -> None:
    from cleaner import clean

    article = clean(value, id="v")
    assert article.error == f"expected the page as str or bytes, got {type(value).__name__}"
    assert article.body == ""


def test_clean_takes_bytearray_and_memoryview_as_bytes() -> None:
    from cleaner import clean

    data = GOOD.encode("utf-8")
    expected = clean(data).body
    assert expected
    assert clean(bytearray(data)).body == expected
    assert clean(memoryview(data)).body == expected
