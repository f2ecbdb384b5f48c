"""`clean()` takes what `clean_many` and `clean_frame` take for a model: a loaded one, a model
folder's path, or None for the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import clean
from cleaner.model import DEFAULT_MODEL_DIR, ModelError

STORY = (
    "Officials said on Monday that the new bridge across the river will open next spring after "
    "years of delay, and that tolls will stay at their current level for at least a year.\n"
    "The council voted to keep the old ferry running until the bridge opens, a spokesman said."
)


@pytest.mark.parametrize("given", [str, Path])
def test_a_model_folder_path_is_loaded(given) -> None:
    article = clean(STORY, model=given(DEFAULT_MODEL_DIR))
    assert article.ok and article.body == clean(STORY).body


def test_a_path_with_no_model_raises_model_error(tmp_path: Path) -> None:
    """A set-up problem, not bad content: raised, as for an altered model (not an error
    Article saying "internal error")."""
    with pytest.raises(ModelError):
        clean(STORY, model=tmp_path / "nothing-here")


def test_load_model_takes_a_file_in_the_model_folder(tmp_path: Path) -> None:
    """What people paste: the path of model.json means its folder; another file is a clear
    ModelError, not a NotADirectoryError from deep inside."""
    from cleaner.model import NotAModelFolder, load_model

    assert load_model(DEFAULT_MODEL_DIR / "model.json") is load_model()
    stray = tmp_path / "notes.txt"
    stray.write_text("not a model")
    with pytest.raises(NotAModelFolder, match="a file, not a model folder"):
        load_model(stray)


def test_the_clean_cli_runs_numpy_on_one_blas_thread(tmp_path: Path) -> None:
    """Several BLAS threads a process made `cleaner clean --parallel 2` slower than
    `--parallel 1` on two cores, at twice the CPU; the CLI (and each worker) uses one."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from cleaner.cli import main

    page = tmp_path / "story.txt"
    page.write_text(STORY, encoding="utf-8")
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        assert main(["clean", "--format", "jsonl", "-o", str(tmp_path / "out"), str(page)]) == 0
        blas = [lib for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
        assert blas and all(lib["num_threads"] == 1 for lib in blas)


_FLOOD_PAGE = "\n".join(
    [
        "Home | News | Sport | Weather",
        "Floods close roads across the valley",
        "By Ann Lee, County News",
        "Share this page",
        "Roads across the valley were closed on Monday after two days of heavy rain pushed the"
        " river over its banks, the county council said.",
        "About 200 homes were evacuated overnight, and emergency shelters opened in two schools,"
        " officials said in a statement.",
    ]
)
_HINTED = "headline: matches the title given with the page"


def test_a_title_hint_reaches_the_headline_from_every_entry_point(tmp_path: Path) -> None:
    """clean(title_hint=...), a record's own `title` field (clean_many, the JSONL CLI) and
    clean_frame's title_hint_column all hand the hint on; the title line says so."""
    import json

    from cleaner import clean_many
    from cleaner.cli import main

    hint = "Floods close roads across the valley | County News"

    def hinted(article) -> bool:
        return any(ln.label == "title" and ln.reason.startswith(_HINTED) for ln in article.lines)

    assert not hinted(clean(_FLOOD_PAGE))
    article = clean(_FLOOD_PAGE, title_hint=hint)
    assert article.title == "Floods close roads across the valley" and hinted(article)
    (from_record,) = clean_many([{"id": "a", "text": _FLOOD_PAGE, "title": hint}])
    assert hinted(from_record)
    assert from_record.to_dict()["input"] == {"title": hint}  # passed through as before
    (no_title,) = clean_many([{"id": "b", "text": _FLOOD_PAGE, "title": 7}])  # not a string
    assert not hinted(no_title) and no_title.error is None
    wrong = clean(_FLOOD_PAGE, title_hint=7)  # type: ignore[arg-type]
    assert wrong.error == "title_hint must be a string or None, not int"

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a", "text": _FLOOD_PAGE, "title": hint}) + "\n")
    assert main(["clean", "--format", "labels", "-o", str(tmp_path / "out"), str(feed)]) == 0
    (written,) = (tmp_path / "out").iterdir()
    assert _HINTED in written.read_text(encoding="utf-8")

    pd = pytest.importorskip("pandas")
    from cleaner import clean_frame

    # a hint naming another candidate line shows that the column's hint is the one used
    other = "By Ann Lee, County News"
    frame = pd.DataFrame({"text": [_FLOOD_PAGE, _FLOOD_PAGE], "stored": [other, None]})
    out = clean_frame(frame, title_hint_column="stored")
    assert list(out["title"]) == [other, "Floods close roads across the valley"]
    with pytest.raises(KeyError, match="no column 'missing'"):
        clean_frame(frame, title_hint_column="missing")


# Links whose markup holds runs of whitespace, as templates write them: a line's link
# characters count that whitespace in the HTML as decoded (as training and clean() read it) and
# not once the markup is normalised, so the scores tell which markup an entry point cleaned.
_MENU = "".join(
    f'<li><a href="/{w}">\n                {w}\n            </a></li>\n'
    for w in ("Home", "World", "Business", "Sport")
)
_LINKED = (
    '<p>The council voted on Tuesday to <a href="/x">\n      close the old bridge\n    </a> '
    "after engineers found cracks in two of its supports, the mayor said.</p>\n"
)
_LINKS_PAGE = (
    f"<html><head><title>Bridge closed</title></head><body><ul class='menu'>{_MENU}</ul>"
    "<h1>Council closes the old bridge</h1>" + _LINKED * 4 + '<p>Read more: <a href="/y">\n'
    "        Ten bridges to see\n      </a></p></body></html>"
)


def test_an_html_page_cleans_the_same_from_every_entry_point(tmp_path: Path) -> None:
    """clean(), clean_many over a dict or a str, a file, a JSONL record and the CLI all clean
    the HTML as decoded: the same labels and scores to the bit. Every entry point but clean()
    used to normalise the markup first, which changed the link characters of linked lines."""
    import json

    from cleaner import clean_many
    from cleaner.clean import clean_record
    from cleaner.cli import main
    from cleaner.sources import iter_records
    from cleaner.text import normalise

    def labelled(article) -> list[tuple[str, float, str]]:
        return [(ln.label, ln.score, ln.text) for ln in article.lines]

    expected = labelled(clean(_LINKS_PAGE))
    assert expected != labelled(clean(normalise(_LINKS_PAGE)))  # the page tells them apart
    from_dict, from_str = clean_many([{"id": "a", "html": _LINKS_PAGE}, _LINKS_PAGE])
    assert labelled(from_dict) == expected and labelled(from_str) == expected
    (tmp_path / "page.html").write_text(_LINKS_PAGE, encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a", "html": _LINKS_PAGE}) + "\n", encoding="utf-8")
    for record in iter_records([tmp_path / "page.html", feed]):
        assert labelled(clean_record(record)) == expected, record.id

    assert main(["clean", "--format", "labels", "-o", str(tmp_path / "out"), str(feed)]) == 0
    (written,) = (tmp_path / "out").iterdir()
    rows = [row.split("\t") for row in written.read_text(encoding="utf-8").splitlines()]
    assert [(r[0], float(r[1])) for r in rows if len(r) > 2] == [
        (label, round(score, 3)) for label, score, _ in expected
    ]
