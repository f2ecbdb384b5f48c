"""Keeps bench/bench_clean.py from rotting: its scoring, wrapping and table code run here on
synthetic pages with a fake tool (no ../shared, no third-party extractors needed)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def bench(bench_script):
    return bench_script("bench_clean")


def _pages(bench):
    return [
        bench.BenchPage(
            "a",
            "Menu\nThe mayor opened the bridge on Monday.",
            "The mayor opened the bridge on Monday.",
        ),
        bench.BenchPage("b", "BOOM", "Rain is expected all week."),
    ]


def _fake_tool(content: str) -> str:
    """Drops the first line; raises on a page it cannot read, like a real extractor might."""
    if content == "BOOM":
        raise ValueError("cannot parse")
    return "\n".join(content.splitlines()[1:])


def test_score_tool_averages_per_page_and_counts_errors(bench) -> None:
    run = bench.score_tool("fake", _fake_tool, _pages(bench))
    assert run.pages == 2
    assert run.errors == 1
    assert run.first_error.startswith("b: ValueError")
    # page a is exact (1.0), page b raised (0.0): the mean over pages is 0.5
    assert run.score.f1 == pytest.approx(0.5)
    assert run.score.precision == pytest.approx(0.5)
    assert run.seconds is not None and run.seconds >= 0
    assert run.cpu_seconds is not None and run.cpu_seconds >= 0
    assert run.pages_per_second is None or run.pages_per_second > 0


def test_empty_output_scores_zero_and_is_counted(bench) -> None:
    run = bench.score_tool("silent", lambda content: "", _pages(bench)[:1])
    assert run.empty == 1 and run.errors == 0
    assert run.score.f1 == 0.0


def test_text_as_html_escapes_one_paragraph_a_line(bench) -> None:
    markup = bench.text_as_html("Tom & Jerry\n\n<b>not a tag</b>")
    assert "<p>Tom &amp; Jerry</p>" in markup
    assert "<p>&lt;b&gt;not a tag&lt;/b&gt;</p>" in markup
    assert markup.count("<p>") == 2


def test_fragment_text_keeps_paragraph_words_apart(bench) -> None:
    text = bench.fragment_text("<div><p>first end.</p><p>Second</p></div>")
    assert "end.Second" not in text
    assert text.split() == ["first", "end.", "Second"]


def test_section_table_marks_cleaner_targets(bench) -> None:
    good = bench.ToolRun("cleaner", 2, bench.Score(0.99, 0.99, 0.99), 0, 0, 0.001)
    slow = bench.ToolRun("cleaner", 2, bench.Score(0.5, 0.5, 0.5), 0, 0, 1.0)
    met = "\n".join(bench.format_section(bench.Section("dragnet", "text", "article", [good])))
    missed = "\n".join(bench.format_section(bench.Section("l3s-gn1", "html", "body", [slow])))
    assert "| cleaner | 2 | 0.990 | 0.990 | 0.990 | 0 | 0 | 0.00 | 2000 |" in met
    assert met.count("**met**") == 2
    assert missed.count("**NOT met**") == 2


def test_repeated_passes_are_timed_and_listed_under_the_table(bench) -> None:
    wall, cpu = bench._timed_pass(_fake_tool, _pages(bench))  # one page raises: still timed
    assert wall > 0 and cpu >= 0
    run = bench.ToolRun("cleaner", 2, bench.Score(0.9, 0.9, 0.9), 0, 0, 0.004)
    run.pass_seconds = [0.005, 0.004, 0.002]
    table = "\n".join(bench.format_section(bench.Section("dragnet", "text", "article", [run])))
    assert "| 0.00 | 500 |" in table  # the median pass's speed, 2 pages in 0.004 s
    assert (
        "Timed passes, pages/s/core in order (the median is shown): cleaner 400 / 500 / 1000"
        in (table)
    )


def test_site_batch_cleaner_drops_a_sites_recurring_line(bench) -> None:
    """The cleaner-site row: a line on every page of one site goes, each page's own text stays;
    a page of another site is cleaned as on its own."""
    motto = "The Example Gazette has been owned by its readers since 1901 and answers to them."
    stories = [
        "Council approves new bridge over the river after a long debate on its cost",
        "Storm closes schools across the county as flooding reaches the main roads",
        "Local bakery wins national prize for its rye bread, the owner said on Monday",
    ]
    pages = [
        bench.BenchPage(
            str(k),
            f"{story}\n{story} according to officials who spoke to reporters.\n{motto}",
            f"{story}\n{story} according to officials who spoke to reporters.",
            "example.com",
        )
        for k, story in enumerate(stories)
    ]
    alone = bench.BenchPage("x", pages[0].content, stories[0], "other.org")
    extract = bench.SiteBatchCleaner("text", "article", None)
    extract.prepare([*pages, alone])
    for page, story in zip(pages, stories, strict=True):
        out = extract.clean_page(page)
        assert motto not in out
        assert f"{story} according to officials" in out
    assert extract.prepared["x"][1] is None  # one page of other.org: nothing recurs there
    assert motto in extract.clean_page(alone)
    extract.prepare(pages)  # a page is labelled once: each timed pass reads the batch again
    run = bench.score_tool("cleaner-site", extract, pages)
    assert run.score.f1 == pytest.approx(1.0)  # score_tool hands the tool the whole page


def test_title_bench_counts_matches_missing_titles_and_errors(bench_script) -> None:
    titles = bench_script("bench_titles")
    pages = [
        ("a", "<html><head><title>Council approves budget | City News</title></head></html>", "x"),
        ("b", "BOOM", "x"),
        ("c", "<html><body><p>No title here</p></body></html>", "x"),
    ]
    headlines = {"a": "Council approves budget", "b": "Rain all week", "c": "Mayor resigns"}
    pages = [(pid, content, headlines[pid]) for pid, content, _ in pages]

    def finder(content: str) -> str | None:
        if content == "BOOM":
            raise ValueError("cannot parse")
        return titles.title_tag(content)

    # a: the <title> with its site suffix keeps 3 of the headline's words in 5 (below 80 %)
    assert titles.count_matches(finder, pages) == (0, 1, 1)
    cut = lambda content: (titles.title_tag(content) or "").split(" | ")[0]  # noqa: E731
    assert titles.count_matches(cut, pages[:1]) == (1, 0, 0)
    assert titles.title_tag("<TITLE>\n A &amp; B </TITLE>") == "A & B"
