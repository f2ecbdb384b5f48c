"""Inputs: decoding bytes, kinds of input, JSONL records, size limits, stdin, folders."""

from __future__ import annotations

import codecs
import io
import json
import os
import random
from pathlib import Path

import pytest

from cleaner.sources import (
    InputError,
    Record,
    binary_kind,
    decode_bytes,
    iter_records,
    looks_like_html,
    sniff_declared_charset,
    wrap_long_lines,
)

FRENCH = "Le café de la gare était fermé. Déjà vu, naïve façade, où est le garçon? Ça va."
SMART = "He said \u201cthe deal is done\u201d \u2014 it\u2019s final; the café\u2019s owner agreed."


# --- decode_bytes -------------------------------------------------------------------------------


def test_utf8_bom_is_used_and_removed_by_normalise() -> None:
    text, encoding = decode_bytes(codecs.BOM_UTF8 + "Grüße aus Köln".encode())
    assert encoding == "utf-8-sig"
    assert text == "Grüße aus Köln"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text, encoding = decode_bytes(bom + "Rare earths: 日本 and the U.S.".encode(codec))
    assert encoding == "utf-16"
    assert text == "Rare earths: 日本 and the U.S."


def test_utf32_bom_is_not_mistaken_for_utf16() -> None:
    text, encoding = decode_bytes(codecs.BOM_UTF32_LE + "naïve".encode("utf-32-le"))
    assert (text, encoding) == ("naïve", "utf-32")


def test_utf16_without_bom_is_text_not_binary() -> None:
    data = "Tokyo (Reuters) - Japan and the United States signed a framework.".encode("utf-16-le")
    assert binary_kind(data) is None
    assert decode_bytes(data)[0].startswith("Tokyo (Reuters)")


def test_declared_meta_charset_is_used() -> None:
    page = '<html><head><meta charset="iso-8859-1"><title>x</title></head><body>café</body>'
    assert sniff_declared_charset(page.encode("latin-1")) == "iso-8859-1"
    text, encoding = decode_bytes(page.encode("latin-1"))
    assert "café" in text
    assert encoding == "cp1252"  # browsers read latin-1 labels as windows-1252


def test_http_equiv_charset_for_cyrillic() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        "</head><body><p>Правительство объявило о новых мерах</p></body></html>"
    )
    text, encoding = decode_bytes(page.encode("cp1251"))
    assert encoding == "cp1251"
    assert "Правительство объявило" in text


def test_declared_argument_wins_over_meta() -> None:
    data = '<meta charset="utf-8"><p>Größe</p>'.encode("cp1252")
    text, encoding = decode_bytes(data, declared="windows-1252")
    assert "Größe" in text and encoding == "cp1252"


def test_utf8_page_that_still_declares_latin1_is_read_as_utf8() -> None:
    # a scrape re-encoded to UTF-8 with its old <meta> left in (124 of the corpus pages)
    page = '<meta charset="iso-8859-1"><p>Don’t call it a café — it is L’Économie.</p>'
    for declared in (None, "iso-8859-1"):  # the <meta>, or an HTTP header saying the same
        text, encoding = decode_bytes(page.encode("utf-8"), declared=declared)
        assert "Don’t call it a café — it is L’Économie." in text
        assert encoding == "utf-8"


def test_declared_multibyte_charset_that_is_not_utf8_is_used() -> None:
    page = '<meta charset="shift_jis"><p>東京の天気は晴れです。</p>'
    text, encoding = decode_bytes(page.encode("shift_jis"))
    assert "東京の天気" in text and encoding == "shift_jis"


def test_lying_declaration_falls_back_to_detection() -> None:
    data = ('<meta charset="utf-8"><p>' + FRENCH + "</p>").encode("latin-1")
    text, _ = decode_bytes(data)
    assert FRENCH in text


def test_invalid_utf8_latin1_text_is_detected_with_words_intact() -> None:
    text, encoding = decode_bytes((FRENCH + "\n").encode("latin-1"))
    assert text.strip() == FRENCH
    assert encoding == "cp1252"


def test_utf8_with_one_stray_latin1_byte_stays_utf8() -> None:
    # a latin-1 "é" pasted into a UTF-8 article: reading the whole page as a single-byte code
    # page would garble every curly quote and dash; only the stray byte is lost
    data = (SMART + " Tokyo ").encode("utf-8") + "é".encode("latin-1") + SMART.encode("utf-8")
    text, encoding = decode_bytes(data)
    assert text == SMART + " Tokyo \ufffd" + SMART
    assert encoding.startswith("utf-8 (1 byte not valid UTF-8")


def test_one_dash_and_one_stray_byte_stay_utf8() -> None:
    # as many well-formed characters as bad bytes: still UTF-8 (it was read as cp1252 before,
    # "The minister â€” who")
    data = "The minister — who said the".encode() + b" caf\xe9 plan would cost more."
    text, encoding = decode_bytes(data)
    assert text == "The minister — who said the caf\ufffd plan would cost more."
    assert encoding.startswith("utf-8 (1 byte not valid UTF-8")


def test_a_latin1_document_without_utf8_sequences_is_still_latin1() -> None:
    text, encoding = decode_bytes(b"Le caf\xe9 de la gare a ferm\xe9 ses portes hier soir.")
    assert text == "Le café de la gare a fermé ses portes hier soir."
    assert encoding == "cp1252"


def test_declared_utf8_page_with_a_stray_byte_stays_utf8() -> None:
    page = '<meta charset="utf-8"><p>' + FRENCH + " "
    data = page.encode("utf-8") + "©".encode("latin-1") + b" 2024</p>"
    text, _ = decode_bytes(data)
    assert FRENCH in text and "\ufffd 2024" in text


def test_stray_byte_is_a_warning_on_the_record_and_the_article(tmp_path: Path) -> None:
    path = tmp_path / "stray.txt"
    path.write_bytes(SMART.encode("utf-8") + b" \xe9 " + SMART.encode("utf-8"))
    (rec,) = _records([path])
    assert rec.text is not None and SMART in rec.text
    assert rec.warnings == [f"{path}: 1 byte not valid UTF-8, replaced with U+FFFD"]
    from cleaner.clean import clean, clean_record

    assert rec.warnings[0] in clean_record(rec).warnings
    assert any("not valid UTF-8" in w for w in clean(path.read_bytes()).warnings)


def test_cp1252_smart_quotes() -> None:
    text, encoding = decode_bytes((SMART + "\n").encode("cp1252"))
    assert text.strip() == SMART
    assert encoding == "cp1252"


def test_central_european_text_is_not_forced_into_cp1252() -> None:
    polish = "Rząd ogłosił nowe środki wsparcia gospodarki. Zażółć gęślą jaźń."
    text, encoding = decode_bytes(polish.encode("cp1250"))
    assert text == polish and encoding == "cp1250"


def test_cyrillic_detection() -> None:
    russian = "Правительство объявило о новых мерах поддержки экономики страны в этом году."
    assert decode_bytes(russian.encode("cp1251"))[0] == russian


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "GZIP"),
    ],
)
def test_binary_magic_numbers(data: bytes, kind: str) -> None:
    with pytest.raises(InputError, match=rf"binary content \(looks like {kind}"):
        decode_bytes(data)


def test_random_bytes_are_binary() -> None:
    data = random.Random(7).randbytes(4096)
    with pytest.raises(InputError, match="binary content"):
        decode_bytes(data)


def test_text_with_a_stray_control_byte_is_still_text() -> None:
    data = ("A line of ordinary text. " * 20 + "\x07 bell").encode()
    assert binary_kind(data) is None


def test_looks_like_html() -> None:
    assert looks_like_html("  <!DOCTYPE html><html><body><p>x</p></body></html>")
    assert looks_like_html("<div class=a>hello</div>")
    assert not looks_like_html("<3 this story\nand more")
    assert not looks_like_html("Plain text with <b>bold</b> later")


def test_wrap_long_lines_keeps_every_character() -> None:
    line = " ".join(f"word{i}" for i in range(5000))
    wrapped = wrap_long_lines("short\n" + line, 1000)
    pieces = wrapped.split("\n")
    assert pieces[0] == "short"
    assert all(len(p) <= 1000 for p in pieces)
    assert " ".join(pieces[1:]) == line


# --- iter_records: files and folders ----------------------------------------------------------


def _records(paths: list[Path | str], **kw) -> list[Record]:
    return list(iter_records([str(p) for p in paths], **kw))


def test_kinds_by_extension_and_sniffing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("<html><body>kept as text</body></html>")
    (tmp_path / "b.htm").write_text("not really html")
    (tmp_path / "c.page").write_text("<!doctype html><html><body><p>hi</p></body></html>")
    (tmp_path / "d.dat").write_text("Just a scrape\nwith two lines\n")
    recs = {Path(r.id).name: r for r in _records([tmp_path])}
    assert recs["a.txt"].text is not None and recs["a.txt"].html is None
    assert recs["b.htm"].html == "not really html"
    assert recs["c.page"].html is not None
    assert recs["d.dat"].text == "Just a scrape\nwith two lines\n"


def test_folder_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for rel in ["b.txt", "a/z.txt", "a/b/c.txt", ".git/x.txt", "a/.hidden.txt", "c.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel)
    ids = [Path(r.id).relative_to(tmp_path).as_posix() for r in _records([tmp_path])]
    assert ids == ["a/b/c.txt", "a/z.txt", "b.txt", "c.txt"]


def test_folder_follows_symlinked_folders_once_and_ends_a_link_loop(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.txt").write_text("linked")
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text("a")
    (root / "link").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "back").symlink_to(root, target_is_directory=True)  # a loop
    (root / "b").mkdir()
    (root / "b" / "real.txt").write_text("real")
    (root / "a").mkdir()
    (root / "a" / "to_b").symlink_to(root / "b", target_is_directory=True)  # inside the tree
    (root / ".hid").mkdir()
    (root / ".hid" / "secret.txt").write_text("hidden")
    (root / "vis").symlink_to(root / ".hid", target_is_directory=True)  # a hidden one
    ids = [Path(r.id).relative_to(root).as_posix() for r in _records([root])]
    assert ids == ["a.txt", "b/real.txt", "link/linked.txt"]


def test_what_a_folder_holds_but_cannot_give_is_an_error_record(tmp_path: Path) -> None:
    """A dangling symlink and a FIFO in a folder: one error record each, not silence (reading a
    FIFO nobody writes to would wait for ever)."""
    (tmp_path / "ok.txt").write_text("fine")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    recs = {Path(r.id).name: r for r in _records([tmp_path])}
    assert sorted(recs) == ["gone.txt", "ok.txt", "pipe.txt"]
    assert recs["ok.txt"].error is None
    assert "gone.txt: cannot read (No such file or directory)" in recs["gone.txt"].error
    assert recs["pipe.txt"].error.endswith(
        "not a regular file (a FIFO, socket or device); not read from a folder"
    )


def test_a_folder_that_cannot_be_listed_is_an_error_record(tmp_path: Path, monkeypatch) -> None:
    # chmod 000 does not stop root (CI runs as root): refuse the listing the way the OS would
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "secret.txt").write_text("x")
    (tmp_path / "ok.txt").write_text("fine")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    recs = _records([tmp_path])
    assert [Path(r.id).name for r in recs] == ["locked", "ok.txt"]
    assert recs[0].error == f"{locked}: cannot list the folder (Permission denied)"
    (rec,) = _records([locked])  # the folder itself named
    assert rec.error == f"{locked}: cannot list the folder (Permission denied)"


def test_text_is_normalised_without_changing_words(tmp_path: Path) -> None:
    raw = "Tokyo\u00a0(Reuters)  -  Japan\r\nsecond\u200b line \r\n"
    (tmp_path / "a.txt").write_bytes(raw.encode())
    assert _records([tmp_path / "a.txt"])[0].text == "Tokyo (Reuters) - Japan\nsecond line\n"


def test_missing_file_is_an_error_record(tmp_path: Path) -> None:
    (rec,) = _records([tmp_path / "nope.txt"])
    assert rec.error is not None and "nope.txt" in rec.error and rec.text is None


def test_empty_file_is_an_empty_text_record(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (rec,) = _records([tmp_path / "empty.txt"])
    assert rec.error is None and rec.text == ""


def test_oversized_file_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.write(b"text")
        handle.truncate(52_000_000)  # sparse: nothing is written to disk
    (rec,) = _records([path])
    assert rec.error == (f"{path}: file is 52 MB, over the 20 MB limit; raise --max-bytes")
    (small,) = _records([path], max_bytes=1000)
    assert "over the 1 KB limit" in (small.error or "")


def test_one_megabyte_line_passes_through_unchanged(tmp_path: Path) -> None:
    line = " ".join(["rare earths framework"] * 50_000)[:1_000_000]
    (tmp_path / "long.txt").write_text(line)
    (rec,) = _records([tmp_path / "long.txt"])
    assert rec.text == line.strip()


# --- JSONL ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "written"),
    [(7, "7"), (1.5, "1.5"), (True, "true"), ({"b": 1, "a": "é"}, '{"b": 1, "a": "é"}')],
)
def test_an_id_that_is_not_a_string_is_its_json_text(tmp_path: Path, raw, written) -> None:
    # before: Python's spelling, "True" and "{'b': 1, 'a': 'é'}", which no JSON join matches
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": raw, "text": "Body"}) + "\n", encoding="utf-8")
    (rec,) = _records([path])
    assert rec.id == written


def test_an_id_of_nan_or_infinity_gets_the_default_id(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"  # Python's json reads NaN and Infinity; they are no JSON text
    path.write_text('{"id": NaN, "text": "A"}\n{"id": Infinity, "text": "B"}\n')
    assert [r.id for r in _records([path])] == [f"{path}:1", f"{path}:2"]


def test_a_declared_charset_that_is_not_ascii_compatible_is_ignored() -> None:
    # EBCDIC or UTF-7 on a page whose <meta> reads as ASCII would only garble it
    for label in ("cp037", "utf-7"):
        page = f'<meta charset="{label}"><p>Hello, plain ASCII + more-text</p>'.encode()
        text, encoding = decode_bytes(page)
        assert "Hello, plain ASCII + more-text" in text and encoding == "utf-8"


def test_jsonl_records_ids_meta_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    rows = [
        json.dumps({"id": "a", "text": "Body text", "url": "https://x", "n": 1}),
        json.dumps({"html": "<p>hi</p>", "lang": "de"}),
        "",
        "{not json",
        "[1, 2]",
        json.dumps({"id": 7, "title": "no text here"}),
        json.dumps({"id": "t", "text": 42}),
        json.dumps({"id": "both", "text": "plain", "html": "<p>rich</p>"}),
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    recs = _records([path])
    assert len(recs) == 7  # the blank line is skipped, every other line is one record
    assert (recs[0].id, recs[0].text) == ("a", "Body text")
    assert recs[0].meta == {"url": "https://x", "n": 1}
    assert (recs[1].id, recs[1].html, recs[1].meta) == (f"{path}:2", "<p>hi</p>", {"lang": "de"})
    assert recs[2].id == f"{path}:4"
    assert recs[2].error is not None and recs[2].error.startswith(f"{path}:4: not valid JSON")
    assert recs[3].error == f"{path}:5: expected a JSON object, got list"
    assert recs[4].id == "7" and recs[4].error == f"{path}:6: has neither 'text' nor 'html'"
    assert recs[4].meta == {"title": "no text here"}
    assert recs[5].error == f"{path}:7: 'text' is a number, not a string"
    assert (recs[6].html, recs[6].text) == ("<p>rich</p>", None)


def test_jsonl_oversized_line_is_one_error_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    big = json.dumps({"id": "big", "text": "x" * 5000})
    path.write_text(big + "\n" + json.dumps({"id": "ok", "text": "fine"}) + "\n")
    recs = _records([path], max_bytes=1000)
    assert [r.id for r in recs] == [f"{path}:1", "ok"]
    assert "line is 5 KB, over the 1 KB limit" in (recs[0].error or "")
    assert recs[1].text == "fine"


def test_jsonl_in_legacy_encoding_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "legacy.jsonl"
    path.write_bytes(json.dumps({"id": "x", "text": FRENCH}, ensure_ascii=False).encode("cp1252"))
    (rec,) = _records([path])
    assert rec.text == FRENCH


# --- stdin ------------------------------------------------------------------------------------


def test_stdin_text_html_and_jsonl() -> None:
    (text,) = iter_records(["-"], stdin=io.BytesIO(b"Title\nBody line\n"))
    assert (text.id, text.text) == ("<stdin>", "Title\nBody line\n")
    (html,) = iter_records(["-"], stdin=io.BytesIO(b"<html><body><p>x</p></body></html>"))
    assert html.html is not None
    lines = b'\n  {"id": "1", "text": "a"}\nnope\n{"text": "b"}\n'
    recs = list(iter_records(["-"], stdin=io.BytesIO(lines)))
    assert [r.id for r in recs] == ["1", "<stdin>:3", "<stdin>:4"]
    assert recs[1].error is not None and recs[1].error.startswith("<stdin>:3: not valid JSON")
    assert recs[2].text == "b"


def test_stdin_over_the_limit_is_refused() -> None:
    (rec,) = iter_records(["-"], stdin=io.BytesIO(b"a" * 5000), max_bytes=1000)
    assert rec.error == "<stdin>: input is over the 1 KB limit; raise --max-bytes"


def test_stdin_long_jsonl_stream_is_read_past_the_sniff_buffer() -> None:
    rows = b"".join(
        json.dumps({"id": str(i), "text": "t" * 100}).encode() + b"\n" for i in range(3000)
    )
    recs = list(iter_records(["-"], stdin=io.BytesIO(rows)))
    assert [r.id for r in recs] == [str(i) for i in range(3000)]
    assert all(r.text == "t" * 100 for r in recs)


def _utf16_jsonl(rows: list[dict]) -> bytes:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in rows)
    return ("\ufeff" + text).encode("utf-16-le")  # what Windows tools write


UTF16_ROWS = [{"id": "a", "text": FRENCH}, {"id": "b", "text": SMART}]


def test_utf16_jsonl_file_is_recoded(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(_utf16_jsonl(UTF16_ROWS))
    recs = _records([path])
    assert [(r.id, r.text, r.error) for r in recs] == [("a", FRENCH, None), ("b", SMART, None)]


def test_utf16_jsonl_on_stdin_is_recoded() -> None:
    recs = list(iter_records(["-"], stdin=io.BytesIO(_utf16_jsonl(UTF16_ROWS))))
    assert [(r.id, r.text) for r in recs] == [("a", FRENCH), ("b", SMART)]


class _Trickle(io.RawIOBase):
    """A pipe whose writer sends one line and then waits: read1 returns what has arrived; a
    read that waits for a full buffer would hang, so it fails the test instead."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = list(chunks)
        self.served = 0

    def read1(self, size: int = -1) -> bytes:
        self.served += 1
        return self.chunks.pop(0) if self.chunks else b""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("waited for a full buffer: the first record would wait for EOF")


def test_stdin_jsonl_first_record_comes_before_the_rest_arrives() -> None:
    first = json.dumps({"id": "r1", "text": "First story."}).encode() + b"\n"
    later = json.dumps({"id": "r2", "text": "Second story."}).encode() + b"\n"
    pipe = _Trickle([first, later])
    records = iter_records(["-"], stdin=pipe)  # type: ignore[arg-type]
    assert next(records).id == "r1"
    assert pipe.served == 1  # the second line had not been asked for yet
    assert [r.id for r in records] == ["r2"]


def test_json_error_message_says_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "x", "text": "a\tb"}\n')
    (rec,) = _records([path])
    assert rec.error == f"{path}:1: not valid JSON (Invalid control character at column 23)"


def test_a_pipe_is_read_like_stdin(tmp_path: Path) -> None:
    """Process substitution (`cleaner clean <(zcat feed.jsonl.gz)`) names a FIFO; it was
    refused as "not a regular file"."""
    import os
    import threading

    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    rows = b'{"id": "a", "text": "First story."}\n{"id": "b", "text": "Second story."}\n'
    writer = threading.Thread(target=fifo.write_bytes, args=(rows,))
    writer.start()
    recs = _records([fifo])
    writer.join()
    assert [(r.id, r.text, r.error) for r in recs] == [
        ("a", "First story.", None),
        ("b", "Second story.", None),
    ]


def test_a_file_of_no_known_kind_whose_first_line_is_a_json_object_is_jsonl(
    tmp_path: Path,
) -> None:
    feed = tmp_path / "feed.json"  # JSONL saved as .json
    feed.write_text('{"id": "a", "text": "First."}\n{"id": "b", "text": "Second."}\n')
    prose = tmp_path / "notes.dat"
    prose.write_text('{"a": 1} is how a JSON object looks.\n')
    recs = _records([feed, prose])
    assert [r.id for r in recs] == ["a", "b", str(prose)]
    assert recs[2].text is not None


def test_a_json_file_is_one_record_or_an_array_of_them(tmp_path: Path) -> None:
    """Before, a .json that was not JSONL was cleaned as a text scrape: its raw JSON became the
    article's body, without a word."""
    pretty = tmp_path / "one.json"
    pretty.write_text('{\n  "text": "Third.",\n  "lang": "en"\n}\n')
    array = tmp_path / "many.json"
    array.write_text(json.dumps([{"id": "x", "html": "<p>Hi</p>"}, {"text": "Two."}, 5], indent=2))
    bom = tmp_path / "bom.json"
    bom.write_bytes(codecs.BOM_UTF16_LE + json.dumps([{"text": "Wide."}]).encode("utf-16-le"))
    broken = tmp_path / "broken.json"
    broken.write_text('[{"text": "cut off"')
    scalar = tmp_path / "scalar.json"
    scalar.write_text('"just a string"')
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    recs = _records([pretty, array, bom, broken, scalar, empty])
    assert [r.id for r in recs] == [
        str(pretty),
        "x",
        f"{array}[1]",
        f"{array}[2]",
        f"{bom}[0]",
        str(broken),
        str(scalar),
    ]
    assert (recs[0].text, recs[0].meta) == ("Third.", {"lang": "en"})
    assert recs[1].html == "<p>Hi</p>" and recs[2].text == "Two." and recs[4].text == "Wide."
    assert recs[3].error == f"{array}[2]: expected a JSON object, got int"
    assert recs[5].error.startswith(f"{broken}: not valid JSON (")
    assert recs[6].error == f"{scalar}: expected a JSON object or an array of them, got str"


def test_utf16_or_long_first_line_jsonl_without_the_extension_is_jsonl(tmp_path: Path) -> None:
    wide = tmp_path / "feed.dat"
    wide.write_bytes(_utf16_jsonl(UTF16_ROWS))
    assert [(r.id, r.text) for r in _records([wide])] == [("a", FRENCH), ("b", SMART)]
    big = tmp_path / "pages.dat"  # a first record longer than a record may be
    rows = [{"id": "big", "html": "<p>" + "x " * 600 + "</p>"}, {"id": "small", "text": FRENCH}]
    big.write_text("".join(json.dumps(r) + "\n" for r in rows))
    recs = _records([big], max_bytes=1000)
    assert [r.id for r in recs] == [f"{big}:1", "small"]
    assert recs[0].error is not None and "over the 1 KB limit" in recs[0].error
