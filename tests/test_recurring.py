"""Site recurrence: lines on most pages of one site in a batch are boilerplate (optional)."""

from __future__ import annotations

import pytest

from cleaner import clean_many
from cleaner.recurring import UNKNOWN_SITE_NOTE, RecurringLines, site_of_meta, site_of_page
from cleaner.workers import fork_context

STORIES = [
    (
        "Council approves new budget for city parks",
        "The city council approved a new budget for parks on Monday after a long debate. "
        "Members voted seven to two in favour of the plan, which adds funds for playgrounds.",
    ),
    (
        "Local bakery wins regional bread award",
        "A family bakery on Main Street won the regional bread award this week. The owners said "
        "the sourdough recipe came from a grandmother who opened the shop in 1962.",
    ),
    (
        "School district hires new superintendent",
        "The school district named a new superintendent on Tuesday. She previously led a district "
        "in the north of the state and will start her job at the beginning of August.",
    ),
    (
        "Bridge repairs to close river road for a month",
        "Repairs to the old river bridge will close the road for a month from next week, officials "
        "said. Drivers are asked to use the highway detour that adds about ten minutes.",
    ),
]
PLEDGE = (
    "The Valley Courier has reported on this community since 1901 and depends on the "
    "support of readers like you to keep local journalism going."
)


def _records() -> list[dict]:
    out = []
    for i, (title, body) in enumerate(STORIES):
        more = (
            f"Residents can read all {20 + i} pages of the report at the city hall library, "
            "officials said, and a public meeting on the details is planned for later this month."
        )
        text = "\n".join([title, "By Dana Reyes", body, more, PLEDGE])
        out.append({"id": f"p{i}", "text": text, "url": f"https://www.valleycourier.com/story/{i}"})
    return out


def test_site_of_meta() -> None:
    assert site_of_meta({"url": "https://www.valleycourier.com/a"}) == "valleycourier.com"
    assert site_of_meta({"site": "Example.org"}) == "example.org"
    assert site_of_meta({}) is None
    assert site_of_meta({"url": "http://[::1"}) is None  # malformed: no site, no exception
    assert site_of_meta({"url": "valleycourier.com/a"}) == "valleycourier.com"  # no scheme


def test_a_malformed_url_does_not_stop_a_site_batch() -> None:
    records = _records()
    records.append({"id": "bad", "text": records[0]["text"], "url": "http://[::1"})
    articles = {a.id: a for a in clean_many(records, site_boilerplate=True)}
    assert len(articles) == len(records)
    assert articles["bad"].warnings == [UNKNOWN_SITE_NOTE]
    assert articles["p0"].error is None


def test_recurring_threshold_needs_enough_pages() -> None:
    rec = RecurringLines(min_pages=3, min_share=0.5)
    rec.observe("a.com", ["menu", "story one"])
    rec.observe("a.com", ["menu", "story two"])
    assert rec.for_site("a.com") is None  # two pages are not enough evidence
    rec.observe("a.com", ["Menu ", "story three"])
    site = rec.for_site("a.com")
    assert site is not None and site.pages_with("menu") == 3 and site.pages_with("story one") == 0


def test_recurring_line_removed_only_with_the_option() -> None:
    with_option = list(clean_many(_records(), site_boilerplate=True))
    without = list(clean_many(_records()))
    assert len(with_option) == len(without) == len(STORIES)
    for art, plain, (_, body) in zip(with_option, without, STORIES, strict=True):
        assert art.error is None
        pledge = next(ln for ln in art.lines if ln.text == PLEDGE)
        assert pledge.label == "boilerplate"
        assert "recurs on 4 of 4 pages from valleycourier.com" in pledge.reason
        assert body in art.body  # article text untouched
        assert PLEDGE not in art.body
        plain_pledge = next(ln for ln in plain.lines if ln.text == PLEDGE)
        assert "recurs" not in plain_pledge.reason
        # the byline repeats on every page too, but bylines are exempt
        byline = next(ln for ln in art.lines if ln.text == "By Dana Reyes")
        assert byline.label != "boilerplate" or "recurs" not in byline.reason


def _html_records(meta: str) -> list[dict]:
    """The same pages as HTML records with no `site` or `url` field; `meta` goes in the head."""
    out = []
    for i, (title, body) in enumerate(STORIES):
        head = meta.format(i=i)
        markup = (
            f"<html><head><title>{title}</title>{head}</head><body><h1>{title}</h1>"
            f"<p>By Dana Reyes</p><p>{body}</p><p>{PLEDGE}</p></body></html>"
        )
        out.append({"id": f"h{i}", "html": markup})
    return out


def test_site_of_page_prefers_the_og_url_host() -> None:
    assert site_of_page("https://www.valleycourier.com/x", "Valley Courier") == "valleycourier.com"
    assert site_of_page(None, " Valley Courier ") == "valley courier"
    assert site_of_page("not a url", None) is None
    assert site_of_page("http://[::1", None) is None  # malformed: no site, no exception


def test_html_pages_name_their_own_site() -> None:
    """Records without `site` or `url`: the page's og:url says where it lives."""
    og_url = '<meta property="og:url" content="https://www.valleycourier.com/story/{i}">'
    articles = list(clean_many(_html_records(og_url), site_boilerplate=True))
    for art, (_, body) in zip(articles, STORIES, strict=True):
        assert art.error is None and not art.warnings
        pledge = next(ln for ln in art.lines if ln.text == PLEDGE)
        assert "recurs on 4 of 4 pages from valleycourier.com" in pledge.reason
        assert body in art.body


def test_a_record_of_unknown_site_is_cleaned_alone_and_says_so() -> None:
    records = _html_records("")  # no og:url, no og:site_name
    records.append({"id": "broken", "text": None, "html": None})
    articles = {a.id: a for a in clean_many(records, site_boilerplate=True)}
    for i, (_, body) in enumerate(STORIES):
        art = articles[f"h{i}"]
        assert art.error is None and body in art.body
        assert art.warnings == [UNKNOWN_SITE_NOTE]
        pledge = next(ln for ln in art.lines if ln.text == PLEDGE)
        assert "recurs" not in pledge.reason
    assert articles["broken"].error and not articles["broken"].warnings
    # without the option nothing is said about sites
    assert not any(a.warnings for a in clean_many(_html_records("")))


def test_recurring_lines_of_copies_count_once() -> None:
    rec = RecurringLines(min_pages=3, min_share=0.5)
    for _ in range(3):
        rec.observe("a.com", ["menu", "the same story"])  # one story scraped three times
    assert rec.for_site("a.com") is None
    rec.observe("a.com", ["menu", "story two"])
    rec.observe("a.com", ["menu", "story three"])
    site = rec.for_site("a.com")
    assert site is not None and site.pages == 3 and site.pages_with("menu") == 3
    assert site.pages_with("the same story") == 0  # 1 of 3 distinct pages


def test_near_copies_of_one_story_keep_their_article() -> None:
    """Four scrapes of one story that differ only in a sidebar line: the story recurs on every
    page, but it is most of each page's body, so the rule leaves it; the sidebar lines differ."""
    title, body = STORIES[0]
    records = []
    for i in range(4):
        text = "\n".join([title, body, f"Most read: item {i} of the week", PLEDGE])
        records.append({"id": f"c{i}", "text": text, "url": f"https://valleycourier.com/{i}"})
    for art in clean_many(records, site_boilerplate=True):
        assert art.error is None
        assert body in art.body


def _articles_by_hand(records: list[dict]) -> list:
    """What a site batch must give, from the public pieces: each page cleaned on its own with
    its site's recurring lines, counted over fresh readings of every page."""
    from cleaner import clean
    from cleaner.lines import to_page

    recurring = RecurringLines()
    for rec in records:
        recurring.observe("valleycourier.com", (ln.text for ln in to_page(rec["html"]).lines))
    lines_of_site = recurring.for_site("valleycourier.com")
    return [clean(rec["html"], id=rec["id"], site_lines=lines_of_site) for rec in records]


def _same(a, b) -> bool:
    fields = ("id", "title", "byline", "body", "error", "warnings", "outlet", "captions")
    return all(getattr(a, f) == getattr(b, f) for f in fields) and [
        (ln.text, ln.label, ln.score, ln.reason) for ln in a.lines
    ] == [(ln.text, ln.label, ln.score, ln.reason) for ln in b.lines]


def test_a_site_batch_parses_each_html_page_once(monkeypatch, tmp_path) -> None:
    """In one process the site pass reads every page to count its lines and the second pass
    labels the page it read, not parsing the HTML again (the parse is most of an HTML page's
    time). With workers, the workers read the pages in both passes and this process none (it
    would be the one core doing it while they wait). Either way the articles are those of
    cleaning each page on its own with its site's lines."""
    import os

    from cleaner import lines, sitebatch

    og_url = '<meta property="og:url" content="https://www.valleycourier.com/story/{i}">'
    records = _html_records(og_url)
    expected = _articles_by_hand(records)
    log = tmp_path / "parses"
    real_parse = lines._parse_html_noting

    def counted_parse(*args, **kwargs):  # logged in a file: workers are other processes
        with log.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real_parse(*args, **kwargs)

    def parses() -> tuple[int, int]:
        """(parses in this process, parses in workers)"""
        pids = log.read_text().split()
        return pids.count(str(os.getpid())), len(pids) - pids.count(str(os.getpid()))

    def run(parallel: int) -> None:
        log.write_text("")
        got = list(clean_many(records, site_boilerplate=True, parallel=parallel))
        assert all(_same(a, b) for a, b in zip(got, expected, strict=True))
        for art in got:
            assert "recurs on 4 of 4" in next(ln for ln in art.lines if ln.text == PLEDGE).reason

    monkeypatch.setattr(lines, "_parse_html_noting", counted_parse)
    run(1)
    assert parses() == (len(records), 0)
    run(2)
    assert parses() == (0, 2 * len(records))
    # past the budget of kept HTML, pages are parsed again: here all but the first two
    budget = len(records[0]["html"]) + len(records[1]["html"])
    monkeypatch.setattr(sitebatch, "KEEP_HTML_CHARS", budget)
    run(1)
    assert parses() == (2 * len(records) - 2, 0)


def test_a_page_the_site_pass_cannot_read_costs_only_its_own_record(monkeypatch) -> None:
    """The site pass reads every page before any is cleaned: a page that makes the reader fail
    (a bug, a resource error) must become that record's error, not end the batch."""
    import importlib

    # the modules, not the package's `clean` function (see cleaner.callable_module)
    clean_module = importlib.import_module("cleaner.clean")
    lines_module = importlib.import_module("cleaner.lines")
    real = lines_module.to_page

    def fails_on_bakery(content, kind="auto"):
        if "bakery" in content:
            raise MemoryError("no room for this page")
        return real(content, kind)

    monkeypatch.setattr(clean_module, "to_page", fails_on_bakery)
    monkeypatch.setattr(lines_module, "to_page", fails_on_bakery)
    articles = list(clean_many(_records(), site_boilerplate=True))
    assert [a.id for a in articles] == ["p0", "p1", "p2", "p3"]
    failed = [a for a in articles if a.error]
    assert [a.id for a in failed] == ["p1"] and "MemoryError" in failed[0].error
    for art in articles:
        if not art.error:  # the other three still share the pledge line; 3 of 3 pages counted
            pledge = next(ln for ln in art.lines if ln.text == PLEDGE)
            assert "recurs on 3 of 3 pages from valleycourier.com" in pledge.reason


@pytest.mark.skipif(
    fork_context() is None, reason="the dying reader reaches the workers only when they fork"
)
def test_a_worker_dying_in_the_site_pass_costs_only_that_page_its_count(monkeypatch) -> None:
    """With workers, a page whose reading kills its worker (killed, out of memory, a crash in
    compiled code) is not counted for its site; every record is still cleaned, in order (the
    second pass meets the page on its own)."""
    import os

    from cleaner import sitebatch

    real_read = sitebatch._read

    def dies_reading_bakery(record):  # found by _read_chunk in the forked workers
        if "bakery" in (record.text or ""):
            os._exit(3)
        return real_read(record)

    monkeypatch.setattr(sitebatch, "_read", dies_reading_bakery)
    articles = list(clean_many(_records(), site_boilerplate=True, parallel=2, chunksize=1))
    assert [a.id for a in articles] == ["p0", "p1", "p2", "p3"]
    assert all(a.error is None for a in articles)
    for art in articles:
        pledge = next(ln for ln in art.lines if ln.text == PLEDGE)
        assert "recurs on 3 of 3 pages from valleycourier.com" in pledge.reason


def test_a_recurring_line_with_a_lone_surrogate_is_counted_as_it_is_cleaned() -> None:
    """Both passes read a page the same way (clean.read_page): a lone surrogate (from a JSON
    "\\ud800" escape, say) becomes U+FFFD in the count as in the page that is labelled, so the
    line is found among the site's recurring lines. The first pass used to count the raw text."""
    odd = PLEDGE.replace("community", "community \ud800")
    records = [{**rec, "text": rec["text"].replace(PLEDGE, odd)} for rec in _records()]
    for art in clean_many(records, site_boilerplate=True):
        line = next(ln for ln in art.lines if ln.text.startswith("The Valley Courier"))
        assert "\ufffd" in line.text
        assert "recurs on 4 of 4 pages from valleycourier.com" in line.reason


def _by_full_strings(pages: list[tuple[str, list[str]]]) -> dict[str, tuple[int, dict[str, int]]]:
    """The rule on whole line keys, as the first pass counted before it hashed them: per site,
    (distinct pages, recurring key -> pages), exact copies once."""
    from collections import Counter

    from cleaner.recurring import MIN_PAGES, MIN_SHARE, line_key

    seen: dict[str, set] = {}
    counts: dict[str, Counter] = {}
    for site, texts in pages:
        keys = frozenset(line_key(t) for t in texts)
        if keys not in seen.setdefault(site, set()):
            seen[site].add(keys)
            counts.setdefault(site, Counter()).update(keys)
    out = {}
    for site, counter in counts.items():
        floor = max(MIN_PAGES, MIN_SHARE * len(seen[site]))
        out[site] = (len(seen[site]), {k: n for k, n in counter.items() if n >= floor})
    return out


def test_hashed_keys_decide_as_whole_lines_do() -> None:
    """The first pass counts 8-byte hashes of lines, not their text: every line of every page
    gets the same count, and every site the same page count, as counting whole lines gives
    (case and spacing folded, copies once, a lone surrogate kept apart from U+FFFD)."""
    import random

    from cleaner.recurring import line_key

    rng = random.Random(7)
    furniture = ["Menu", "Subscribe  now", "SUBSCRIBE NOW", "Most read", "odd \ud800", "odd \ufffd"]
    pages = []
    for n in range(60):
        site = f"site{n % 3}.example"
        texts = rng.sample(furniture, 3) + [f"story {n} line {k}" for k in range(rng.randint(1, 4))]
        pages.append((site, texts))
        if n % 7 == 0:
            pages.append((site, list(reversed(texts))))  # a copy: the same lines
    rec = RecurringLines()
    for site, texts in pages:
        rec.observe(site, texts)
    for site, (distinct, counts) in _by_full_strings(pages).items():
        lines_of_site = rec.for_site(site)
        assert lines_of_site is not None and lines_of_site.pages == distinct
        assert len(lines_of_site.counts) == len(counts)
        for _, texts in pages:
            for text in texts:
                assert lines_of_site.pages_with(text) == counts.get(line_key(text), 0)


def test_clean_frame_finds_a_sites_recurring_lines_as_clean_many_does(monkeypatch) -> None:
    pd = pytest.importorskip("pandas")
    from cleaner import clean_frame, sitebatch

    def no_spool(*args, **kwargs):
        raise AssertionError("a frame is read twice, not spooled")

    monkeypatch.setattr(sitebatch, "_temp_file", no_spool)
    records = _records()
    reference = list(clean_many(records, site_boilerplate=True))
    frame = pd.DataFrame(records).set_index("id")
    frame["outlet_site"] = "valleycourier.com"
    by_url = clean_frame(frame, site_boilerplate=True, url_column="url")
    by_site = clean_frame(frame, site_boilerplate=True, site_column="outlet_site")
    plain = clean_frame(frame, url_column="url")  # a url alone does not turn the option on
    assert list(by_url.index) == [a.id for a in reference]
    assert list(by_url["body"]) == list(by_site["body"]) == [a.body for a in reference]
    assert all(PLEDGE not in body for body in by_url["body"])
    assert list(plain["body"]) == [a.body for a in clean_many(records)]
    assert all(PLEDGE in body for body in plain["body"])  # the model alone keeps the pledge
    assert by_url["warnings"].isna().all()
    # without a site for its rows the frame is cleaned page by page, and says so
    unknown = clean_frame(frame.drop(columns="url"), site_boilerplate=True)
    assert list(unknown["body"]) == list(plain["body"])
    assert (unknown["warnings"] == UNKNOWN_SITE_NOTE).all()
