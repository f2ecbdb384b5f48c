"""Page → lines → features: the rendering and the cues the classifier relies on."""

from __future__ import annotations

import numpy as np
import pytest

from cleaner.article import LABELS
from cleaner.features import (
    LINE_FEATURES,
    OWN_FEATURES,
    REVISION_FEATURES,
    line_features,
    revision_features,
)
from cleaner.lines import html_to_page, looks_like_html, text_to_page
from cleaner.text import normalise, words


def col(X: np.ndarray, name: str) -> np.ndarray:
    return X[:, LINE_FEATURES.index(name)]


def test_text_lines_keep_words_and_mark_paragraph_breaks() -> None:
    page = text_to_page("Title here\r\n\r\nFirst\u00a0 paragraph.\u200b\n\n\nSecond one.\n")
    assert [ln.text for ln in page.lines] == ["Title here", "First paragraph.", "Second one."]
    assert [ln.blank_before for ln in page.lines] == [False, True, True]


def test_normalise_changes_no_words() -> None:
    raw = "Caf\u0065\u0301 \u201cquoted\u201d\u2014dash\tand\u2009thin"
    assert words(normalise(raw)) == words(raw.replace("\u0065\u0301", "\u00e9"))
    assert normalise("a\u00a0 b\r\nc\u200b d  \t") == "a b\nc d"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\n\rb", "a\n\nb"),  # \r\n is one break, a lone \r another
        ("a\x0b\r\nb", "a\n\nb"),  # with a \r present, vertical tab breaks the line too
        ("a\u2028b\x85c", "a\nb\nc"),  # Unicode line and paragraph separators
        ("a\x0bb\x0cc", "abc"),  # in ASCII text with no \r they are controls, and go
        ("a\x00b\x1fc\x7fd\x9fe", "abcde"),  # control characters go
        ("x\u00ad\ufeffy\u200bz", "xyz"),  # soft hyphen, BOM and zero-width space: invisible
        ("x\u200cy\u200dz", "x\u200cy\u200dz"),  # the joiners spell words (Persian, emoji)
        ("a \u3000\u00a0 \tb", "a b"),  # every kind of space run is one space
    ],
)
def test_normalise_line_breaks_controls_and_spaces(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_line_separator_finds_cover_the_regex() -> None:
    from cleaner import text

    matched = {chr(cp) for cp in range(0x10000) if text._LINE_SEPARATORS.match(chr(cp))}
    assert matched == set(text._LINE_SEPARATOR_CHARS)


def test_html_renders_blocks_skips_scripts_and_hidden_and_keeps_dom_hints() -> None:
    html = """<html><head><title>Big news | Site</title>
    <meta property="og:site_name" content="The Site"></head><body>
    <nav class="main-menu"><ul><li><a href="/">Home</a></li>
    <li><a href="/w">World</a></li></ul></nav>
    <article class="story-body"><h1>Big news</h1><p>First <b>bold</b>
    paragraph with a <a href="#">link</a>.</p><script>var x = 1;</script>
    <div style="display: none">hidden text</div><p hidden>also hidden</p>
    <table><tr><td>cell one</td><td>cell two</td></tr></table>
    <p>Line one<br>line two</p></article>
    <footer class="site-footer">© 2025 The Site</footer></body></html>"""
    page = html_to_page(html)
    texts = [ln.text for ln in page.lines]
    assert texts == [
        "Home",
        "World",
        "Big news",
        "First bold paragraph with a link.",
        "cell one\tcell two",
        "Line one",
        "line two",
        "© 2025 The Site",
    ] or texts == [
        "Home",
        "World",
        "Big news",
        "First bold paragraph with a link.",
        "cell one cell two",
        "Line one",
        "line two",
        "© 2025 The Site",
    ]
    assert page.html_title == "Big news | Site" and page.site_name == "The Site"
    by_text = {ln.text: ln for ln in page.lines}
    assert by_text["Home"].dom.link_chars == 4 and "nav" in by_text["Home"].dom.path
    assert by_text["Big news"].dom.tag == "h1"
    assert "story" in by_text["Big news"].dom.attrs
    assert by_text["First bold paragraph with a link."].dom.link_chars == 4
    assert "footer" in by_text["© 2025 The Site"].dom.path


def test_html_without_body_or_text_is_reported_not_raised() -> None:
    assert html_to_page("<html><head><title>x</title></head></html>").lines == []
    assert html_to_page("").notes
    assert looks_like_html("<!DOCTYPE html><html>") and not looks_like_html("Plain <b> text")


def test_teaser_duplicate_and_cut_length_cues() -> None:
    lede = (
        "TOKYO, Japan: U.S. President Donald Trump and Japanese Prime Minister Sanae Takaichi "
        "signed a landmark agreement on October 28 to secure supplies of rare earths."
    )
    teaser = lede[:120] + "..."
    page = text_to_page(
        "\n".join(
            [lede, "Another paragraph about rare earths and Japan.", teaser, "Share", "Share"]
        )
    )
    X = line_features(page)
    assert col(X, "teaser_of_other").tolist() == [0, 0, 1, 0, 0]
    assert col(X, "has_teaser")[0] == 1
    assert col(X, "end_ellipsis")[2] == 1
    assert col(X, "dup_count")[3] > 0 and col(X, "dup_count")[1] == 0
    assert col(X, "cue_share")[3] > 0


def test_topic_fit_separates_unrelated_headlines() -> None:
    body = [
        "Japan and the United States signed a rare earths framework in Tokyo on Tuesday.",
        "The rare earths framework aims to secure supply chains for Japan and the United States.",
        "Officials in Tokyo said the framework covers rare earths processing and stockpiles.",
    ]
    other = "Salman Khan celebrates his sixtieth birthday with a grand farmhouse party."
    X = line_features(text_to_page("\n".join([*body, other])))
    fit = col(X, "topic_fit")
    assert fit[3] < 0.2 < min(fit[:3])


def test_feature_matrix_shapes_and_revision_features() -> None:
    page = text_to_page("a\nb c d\ne f g h.")
    X = line_features(page)
    assert X.shape == (3, len(LINE_FEATURES)) and X.dtype == np.float32
    assert len(OWN_FEATURES) < len(LINE_FEATURES)
    probs = np.full((3, 5), 0.2, dtype=np.float32)
    R = revision_features(X, probs)
    assert R.shape == (3, len(REVISION_FEATURES))
    assert np.isfinite(R).all()
    one = revision_features(X[:1], probs[:1])  # a one-line page has every window shorter
    assert one.shape == (1, R.shape[1])


def test_line_cues_land_on_their_own_line_even_after_lowercasing_changes_lengths() -> None:
    # "İ" lower-cases to two code points, which shifts every later offset of the lowered page:
    # the reporting trailer and the bullets must still be counted on their own lines.
    page = text_to_page(
        "İSTANBUL İZMİR İNEBOLU officials said the ferry line would reopen soon »\n"
        "Home | World | Business | Sport\n"
        "The city said repairs had taken longer than planned.\n"
        "(Reporting by Ali Kaya; Editing by Jane Doe)"
    )
    X = line_features(page)
    # "(Reporting" and "Editing by": two trailer cues
    assert col(X, "cue_trailer") == pytest.approx([0.0, 0.0, 0.0, np.log1p(2)])
    assert col(X, "bullets")[1] == pytest.approx(np.log1p(3))
    assert col(X, "bullets")[[0, 2, 3]] == pytest.approx([np.log1p(1), 0.0, 0.0])


def test_multiword_cues_match_whole_phrases_within_a_line() -> None:
    page = text_to_page("Get the app\nthe\napp\nYou may also like\nyou may also")
    X = line_features(page)
    assert col(X, "cue_app")[0] > 0 and col(X, "cue_related")[3] > 0
    assert col(X, "cue_app")[1] == col(X, "cue_app")[2] == 0.0  # words split over lines
    assert col(X, "cue_related")[4] == 0.0  # an incomplete phrase


def test_html_rendering_details_are_pinned() -> None:
    """The shipped model was trained on this exact rendering: white space that opens a line is
    not link text, cells are joined, hidden text is cut but its tail kept, paths stop at 6."""
    html = (
        '<html><head><meta name="og:title" content=" "><meta property="og:title" content="OG">'
        '</head><body id="Top"><div class="Outer-Wrap"><div><div><div><div><section id="s1">'
        '<p>Read <a href="#">\n  <span>more</span></a> here</p>'
        '<ul class="nav"><li><a href="/">\n  <span>Home</span>\n</a> (3)</li></ul>'
        "<table><tr><td> </td><td>a</td><td><b>b</b></td></tr></table>"
        "<p>one<span hidden>x</span>\n two<br>three</p>"
        "</section></div></div></div></div></div></body></html>"
    )
    page = html_to_page(html)
    assert page.html_title == "OG" and page.site_name is None and page.notes == []
    got = [(ln.text, ln.dom.tag, ln.dom.path, ln.dom.link_chars, ln.dom.attrs) for ln in page.lines]
    assert got == [
        ("Read more here", "p", "div>div>div>div>section>p", 7, "s"),
        ("Home (3)", "li", "div>div>div>section>ul>li", 5, "s nav"),
        ("a b", "tr", "div>div>div>section>table>tr", 0, "s"),
        ("one two", "p", "div>div>div>div>section>p", 0, "s"),
        ("three", "p", "div>div>div>div>section>p", 0, "s"),
    ]


def test_unclosed_title_does_not_swallow_the_page() -> None:
    # Damaged pages (7 in L3S) never close <title>; libxml2 then reads the whole page as title.
    markup = (
        "<html><head><title>Ferry news | Site\n<script>var x = 1;</script></head>"
        "<body><p>The ferry line will reopen on Monday, officials said.</p></body></html>"
    )
    for given in (markup, markup.encode("utf-8")):
        page = html_to_page(given)
        assert [ln.text for ln in page.lines] == [
            "The ferry line will reopen on Monday, officials said."
        ]
        assert page.html_title == "Ferry news | Site"
        assert page.notes == []


def test_damaged_xml_declaration_and_control_characters_do_not_lose_the_page() -> None:
    damaged = '<?xml version="1.0" encoding="garbage, more words\n<html><body><p>Hello world</p>'
    assert [ln.text for ln in html_to_page(damaged).lines] == ["Hello world"]
    # lxml refuses control characters when a hidden element's tail is moved to its neighbour
    page = html_to_page("<html><body><p>a\x0bb<span hidden>x</span>t</p></body></html>")
    assert [ln.text for ln in page.lines] == ["abt"]


def test_hidden_styles_are_recognised_in_any_case() -> None:
    page = html_to_page(
        '<html><body><p>keep</p><div style="DISPLAY: NONE">gone</div>'
        '<p style="Visibility:Hidden">gone too</p><p aria-hidden="true">and this</p></body></html>'
    )
    assert [ln.text for ln in page.lines] == ["keep"]


def _deep_page(depth: int, tag: str = "div", close: bool = True) -> str:
    closing = f"</{tag}>" * depth if close else ""
    return (
        "<html><body><p>Before the deep part.</p>"
        + f"<{tag}>" * depth
        + "<p>Deep inside.</p>"
        + closing
        + "<p>After the deep part.</p></body></html>"
    )


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize(
    "markup",
    [_deep_page(300), _deep_page(400, "font", close=False), _deep_page(1500).encode()],
    ids=["300-divs", "400-unclosed-fonts", "1500-divs-bytes"],
)
def test_pages_nested_past_libxml2s_default_limit_lose_nothing(markup, compiled) -> None:
    """libxml2 stops at 256 levels and drops the rest of the page; such pages are parsed again
    with the limit raised, so the text after the deep part is still there."""
    from cleaner import lines

    if compiled and lines._KERNEL is None:
        pytest.skip("the _render kernel is not built (or CLEANER_PURE_PYTHON is set)")
    page = lines._html_to_page(markup, lines._KERNEL if compiled else None)
    texts = [ln.text for ln in page.lines]
    assert texts[0] == "Before the deep part."
    assert texts[-1] == "After the deep part."
    assert "Deep inside." in " ".join(texts)
    assert page.notes == []


def test_a_deep_page_whose_title_never_closes_is_repaired_and_kept_whole() -> None:
    from cleaner.lines import html_to_page

    markup = _deep_page(300).replace("<html>", "<html><head><title>Headline</head>", 1)
    texts = [ln.text for ln in html_to_page(markup).lines]
    assert texts[0] == "Before the deep part." and texts[-1] == "After the deep part."


def test_a_page_nested_past_any_limit_says_what_was_lost() -> None:
    from cleaner import clean
    from cleaner.lines import html_to_page

    page = html_to_page(_deep_page(3000))
    assert [ln.text for ln in page.lines] == ["Before the deep part."]
    assert page.notes == [
        "the HTML nests more than 2048 elements deep; the text after that point is lost"
    ]
    article = clean(_deep_page(3000))
    assert article.warnings == page.notes
    assert article.to_dict()["warnings"] == page.notes
    assert "warnings" not in clean(_deep_page(10)).to_dict()


_ARTICLE = [
    "Yoga teachers in the city say attendance has doubled since the spring, and studios are busy.",
    "Most new students come for the breathing exercises, the instructors said on Tuesday morning.",
    "One studio added three evening classes and hired two more teachers to cope with demand now.",
    "Prices have not risen yet, but the owners expect to raise them by the end of the year too.",
]
_THREAD = [
    "Comments (3)",
    "Leave a Reply",
    "Kate on October 23rd, 2012 1:38 pm",
    "I go to a class every week and it has changed my life, honestly, I cannot recommend it more.",
    "Reply",
    "Bob on October 23rd, 2012 1:40 pm",
    "Prices went up at my studio last month, so the owners there must have read a different memo.",
    "Reply",
    "Ann on October 23rd, 2012 2:05 pm",
    "Thanks for writing this, I have been meaning to try an evening class for a long time now.",
    "Reply",
]


def test_stamp_columns_count_the_date_and_comment_lines_around_a_line() -> None:
    X = line_features(text_to_page("\n".join(["Yoga is booming", *_ARTICLE, *_THREAD])))
    above, below = col(X, "stamps_above"), col(X, "stamps_below")
    first_article, first_comment = 1, 1 + len(_ARTICLE) + 3
    # eight short stamp lines: two headers, three name-and-time lines, three "Reply"
    assert below[first_article] == pytest.approx(np.log1p(8))
    assert above[first_article] == 0
    assert above[first_comment] == pytest.approx(np.log1p(3))
    assert above[-2] > above[first_comment] > above[first_article]
    assert col(X, "stamps_near")[-2] > col(X, "stamps_near")[first_article]


def test_main_block_is_the_article_not_the_comment_thread() -> None:
    """Three short lines between long ones start a new block; the heaviest block is main."""
    X = line_features(text_to_page("\n".join(["Yoga is booming", *_ARTICLE, *_THREAD])))
    in_main = col(X, "in_main")
    comments = [i for i, t in enumerate(["", *_ARTICLE, *_THREAD]) if len(t.split()) >= 12][4:]
    assert in_main[1 : 1 + len(_ARTICLE)].tolist() == [1.0] * len(_ARTICLE)
    assert in_main[0] == 0 and col(X, "main_above")[0] == pytest.approx(np.log1p(1))
    assert [in_main[i] for i in comments] == [0.0, 0.0, 0.0]
    assert all(col(X, "main_below")[i] > 0 for i in comments)
    assert 0.5 < col(X, "main_share")[0] < 1.0  # the article outweighs the comments
    # a page with no long line has no main block
    short = line_features(text_to_page("Home\nNews\nSport"))
    assert not short[:, LINE_FEATURES.index("in_main")].any()


def test_comment_thread_goes_and_says_why() -> None:
    """End to end with the shipped model: long, on-topic comments under an article are removed,
    and their reason names the thread, not just the line's shape."""
    from cleaner import clean

    article = clean("\n".join(["Yoga is booming", *_ARTICLE, *_THREAD]))
    by_text = {ln.text: ln for ln in article.lines}
    assert [by_text[t].label for t in _ARTICLE] == ["body"] * len(_ARTICLE)
    comments = [t for t in _THREAD if len(t.split()) >= 12]
    for text in comments:
        line = by_text[text]
        assert line.label == "boilerplate"
        assert line.reason.startswith("outside the main text, among name/date/reply lines")


def test_teasers_are_looked_for_in_lists_not_in_templates() -> None:
    """Lines sharing their first 30 characters are compared pairwise to find cut-down copies,
    but not when there are more than features._TEASER_GROUP_MAX of them (a table or a log dump,
    where pairwise comparison took minutes). Both paths apply the same cap
    (tests/test_speedups_features.py compares them)."""
    from cleaner import features

    head = "The minister said on Monday that the talks would resume next week"
    cap = features._TEASER_GROUP_MAX

    def teaser_flags(n: int) -> np.ndarray:
        lines = [f"{head}, officials said in statement number {i}." for i in range(n - 1)]
        lines.append(head + "...")  # a cut-down copy of every other line
        return col(line_features(text_to_page("\n".join(lines))), "teaser_of_other")

    assert teaser_flags(cap)[-1] == 1.0
    assert not teaser_flags(cap + 1).any()


@pytest.mark.parametrize("n", [0, 1, 3, 17, 60])
def test_window_means_from_one_sum_are_each_windows_mean_to_the_bit(n: int) -> None:
    """revision_features takes its four body windows from one cumulative sum (speed); each must
    be the float32 that _window_mean gives alone, on pages shorter than the widest window too."""
    from cleaner.features import _window_mean, _window_means

    values = np.random.default_rng(n).random(n, dtype=np.float32)
    widths = (5, 11, 21, 41)
    together = _window_means(values, widths)
    assert together.shape == (len(widths), n)
    for row, width in zip(together, widths, strict=True):
        assert row.tobytes() == _window_mean(values, width).tobytes()


@pytest.mark.parametrize("n", [1, 4, 30])
def test_revision_features_see_each_neighbours_probabilities_and_zeros_beyond_the_page(
    n: int,
) -> None:
    """Pass 2 reads the pass-1 probabilities of the lines within five either side, taken from
    one strided view of a padded page: each block must be the neighbour's row, or zeros."""
    rng = np.random.default_rng(n)
    X = rng.random((n, len(LINE_FEATURES)), dtype=np.float32)
    probs = rng.random((n, len(LABELS)), dtype=np.float32)
    R = revision_features(X, probs)
    for off in range(-5, 6):
        cols = [REVISION_FEATURES.index(f"p{off:+d}_{lab}") for lab in LABELS]
        for i in range(n):
            want = probs[i + off] if 0 <= i + off < n else np.zeros(len(LABELS), np.float32)
            assert R[i, cols].tobytes() == want.tobytes()


@pytest.mark.parametrize("n", [1, 2, 3, 12])
def test_context_columns_copy_each_neighbours_features_and_minus_one_beyond_the_page(
    n: int,
) -> None:
    """Pass 1 sees the lines two either side through copies of a few of their own columns,
    taken as slices of a page padded with -1 rows: each must be the neighbour's value, or -1."""
    from cleaner.features import _NEIGHBOUR_COLS, _NEIGHBOUR_OFFSETS, context_columns

    own = np.random.default_rng(n).random((n, len(OWN_FEATURES)), dtype=np.float32)
    ctx = context_columns(own)
    names = LINE_FEATURES[len(OWN_FEATURES) :]
    for off in _NEIGHBOUR_OFFSETS:
        for name in _NEIGHBOUR_COLS:
            got = ctx[:, names.index(f"n{off:+d}_{name}")]
            src = own[:, OWN_FEATURES.index(name)]
            want = [src[i + off] if 0 <= i + off < n else -1.0 for i in range(n)]
            assert got.tolist() == want
