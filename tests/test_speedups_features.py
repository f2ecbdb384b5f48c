"""The compiled line-statistics kernel (cleaner._linestats) gives own_features bit for bit.

Both paths run in this process: `_own_features_python` is the reference, `_own_features_compiled`
the kernel's. Every comparison is of the whole float32 matrix, values and bytes; pages on which
the reference raises must raise the same error. The compiled-vs-python tests skip when the
kernel is not built (`pip install -e .` with a C compiler builds it)."""

from __future__ import annotations

import hashlib
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cleaner import features
from cleaner.article import Line
from cleaner.labelled import iter_labelled_dir
from cleaner.lines import Page, to_page
from cleaner.speedups import PURE_PYTHON_ENV

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
KERNEL = features._kernel

NOT_BUILT = "cleaner._linestats is not built (no C compiler at install, or CLEANER_PURE_PYTHON=1)"
needs_kernel = pytest.mark.skipif(KERNEL is None, reason=NOT_BUILT)


def _outcome(fn, page: Page):
    try:
        return fn(page)
    except Exception as exc:  # the reference's failure is part of its behaviour
        return (type(exc), str(exc))


def assert_same(page: Page) -> None:
    if KERNEL is None:
        pytest.skip(NOT_BUILT)
    want = _outcome(features._own_features_python, page)
    got = _outcome(lambda p: features._own_features_compiled(p)[0], page)
    if isinstance(want, tuple) or isinstance(got, tuple):
        assert got == want
        return
    assert got.dtype == want.dtype == np.float32
    assert got.shape == want.shape == (len(page.lines), len(features.OWN_FEATURES))
    if not np.array_equal(got, want, equal_nan=True):
        rows, cols = np.nonzero(got != want)
        diff = sorted({features.OWN_FEATURES[c] for c in cols})
        raise AssertionError(f"columns {diff} differ, first on line {page.lines[rows[0]].text!r}")
    assert got.tobytes() == want.tobytes()


def _page(texts: list[str], title: str | None = None, *, html: bool = False) -> Page:
    """A page of exactly these lines, unnormalised (to_page would clean control characters)."""
    lines = [Line(text=t, index=i, blank_before=i % 3 == 1) for i, t in enumerate(texts)]
    return Page(lines=lines, is_html=html, html_title=title)


# --- the project's own pages -------------------------------------------------------------------

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
DOCS = [*iter_labelled_dir(REPO / "labelled"), *iter_labelled_dir(REPO / "tests" / "cases")]


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds not present (not part of a fresh clone)")
@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_scrapes(path: Path) -> None:
    page = to_page(path.read_text(encoding="utf-8"), "text")
    assert_same(page)
    page.html_title = page.lines[0].text  # and the title-similarity column
    assert_same(page)


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: Path(d.name).stem)
def test_labelled_pages(doc) -> None:
    assert_same(Page(lines=doc.lines))
    assert_same(Page(lines=doc.lines, html_title=doc.meta.get("title") or doc.lines[0].text))


def test_there_are_labelled_pages() -> None:
    assert len(DOCS) >= 40


# --- corpora: a deterministic sample, never from the test split --------------------------------


def _corpus_sample() -> list:
    from cleaner.corpora import iter_pages

    sample = []
    for corpus in ("dragnet", "l3s-gn1"):
        pages = list(iter_pages(corpus, "fit", shared=SHARED))
        sample += pages[:: max(1, len(pages) // 30)][:30]
    return sample


CORPUS = _corpus_sample() if (SHARED / "corpora").is_dir() else []


@pytest.mark.skipif(not CORPUS, reason="../shared/corpora not present")
@pytest.mark.parametrize("kind", ["text", "html"])
def test_corpus_sample(kind: str) -> None:
    assert len(CORPUS) == 60
    for cp in CORPUS:
        path = cp.text_path if kind == "text" else cp.html_path
        assert_same(to_page(path.read_text(encoding="utf-8", errors="replace"), kind))


# --- hand-written adversarial pages ------------------------------------------------------------

ADVERSARIAL: dict[str, list[str]] = {
    "other_scripts_digits": ["٣٤٥ ٠١ ߁߂ 𝟘𝟙 ௫ ½ Ⅻ ² 1²/3/44 ٣:٤٥ 5:٣٣ 12:30 ²:33"],
    "combining_marks": ["e\u0301 \u0301abc a\u0301b \u0301\u0301 x\u0301.y\u0301 ‘\u0301"],
    "underscores": ["__init__ a_b _x_ _ __ a_-_b By_ by_line"],
    "apostrophes_dots": [
        "rock'n'roll don’t ’tis x' 'y a’ ’b",
        "U.S. U.S.A. e.g. a..b .x x. a.b.c. 3.4.22 U.S.-led",
        "a--b a.'b a-'b -a- a-.b a’-b a'’b ’’ '' -- ..",
    ],
    "case_changes_length": ["İstanbul İİİ says İ", "ΟΔΟΣ ΣΑΣ Σ ΣΣ aΣ Σa", "ǅemal ß ﬁ Å K"],
    "rtl": ["שלום עולם, מה שלומך?", "مرحبا بالعالم. هذا نص عربي", "‏mixed עברית and English‏"],
    "cjk": ["中文字符。日本語のテキスト、한국어 텍스트", "「引用」『二重』　全角　/　スペース"],
    "emoji": ["😀 👍🏽 family 👨‍👩‍👧 flag 🇩🇪 ✔️", "🙂" * 50],
    "control_chars": ["\x00abc\x01 \x1f \x7f", "a\x00b", "\x85 \u2028 \u2029 \x0b \x0c x"],
    "tabs": ["a\tb\t/\tc", "\t\tindented\t", "cell one\tcell two\tcell three"],
    "only_punctuation": ["...", "!!!", "—", "|", "•••", ". . .", "?", "…", "-", "'", "»", "(", ")"],
    "bullets": ["Home | News | Sport", "a / b / c", "a // b", " / / ", "• one • two", "▶ ► › ·"],
    "long_lines": ["word " * 20000, "x" * 100_000, "a. " * 30000, "Σ" * 5000],
    "cues": [
        "By John Smith",
        "BY JANE DOE, Staff Writer",
        "Posted by admin on 3/4/2024 at 12:30",
        "Bye now",
        "WASHINGTON (Reuters) - The mayor said.",
        "PARIS, March 3 (AFP) - Something happened",
        "LONDON —",
        "- the report continued",
        "NEW YORK",
        "— the rest of the line",
        "© 2024 Foo Media. All rights reserved.",
        "(c) 2023 Bar (C)2022 (c)  2021 (C) 20x4",
        "(Reporting by A. Writer; Editing by B. Editor)",
        "Additional reporting by C; compiled by D; Contributed by E",
        "Visit http://x.com or https://www.y.org/page, mail @a.b and foo.com.",
        "Sign up for our newsletter. Don't spam me! Subscribe",
        "Read more: You may also like these related stories",
        "Get the app on Google Play and the App Store",
        "Photo: Getty Images / AFP. File photo.",
        "Share this: Facebook Twitter WhatsApp Print this",
        "Updated 5 min read ago, Monday, Jan 3",
        "Lesen Sie auch: mehr zum Thema",
    ],
    # the dateline regex allows 2 to 40 capitals, spaces and .,'- after the first capital
    "dateline_lengths": [
        f"A{'B' * k}{end}" for k in range(45) for end in ("(AP) x", ": x", " - x")
    ],
    "teasers_and_cuts": [
        "The mayor said on Monday that the bridge would reopen next week after repairs.",
        "The mayor said on Monday that the bridge would...",
        "The mayor said on Monday that the bridge would reopen next week …",
        "Forty character summary cut off right her",
        "Forty-one character summary cut off right h",
        "Forty character summary cut off right th",
        "The mayor said on Monday that the bridge would reopen next week after repairs.",
    ],
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_pages(name: str) -> None:
    texts = ADVERSARIAL[name]
    assert_same(_page(texts))
    assert_same(_page(texts, title=texts[0][:200]))
    assert_same(_page(texts, html=True))
    assert_same(to_page("\n\n".join(texts), "text"))  # also as to_page would make it


def test_all_adversarial_lines_on_one_page() -> None:
    lines = [t for texts in ADVERSARIAL.values() for t in texts]
    assert_same(_page(lines, title="Read more: the mayor’s U.S. plan İSTANBUL Σ"))
    assert_same(_page(lines[::-1], title="x"))


def test_empty_and_single_line_pages() -> None:
    assert_same(_page([]))
    assert_same(_page(["x"]))
    assert_same(to_page("", "text"))
    assert_same(to_page("\n\n \n", "text"))


@pytest.mark.parametrize(
    "texts",
    [
        ["ok", ""],  # an empty line
        ["", "ok"],
        [""],
        ["a line\nwith a newline", "ok"],  # not one line of the joined page
        ["lone \ud800 surrogate", "ok"],  # the reference cannot encode it
        ["ok", "\udfff"],
    ],
    ids=["empty_last", "empty_first", "only_empty", "newline", "surrogate", "surrogate_last"],
)
def test_pages_the_reference_fails_on_fail_the_same(texts: list[str]) -> None:
    with pytest.raises(Exception):  # noqa: B017 - the point is that both fail alike
        features._own_features_python(_page(texts))
    assert_same(_page(texts))


# --- random pages built from the pieces the hand-written matchers care about -------------------

PIECES = [
    "the", "and", "you", "your", "we", "Get", "join", "sign up", "read more", "Read More",
    "you may also like", "most read", "log in", "terms of use", "all rights reserved", "share",
    "newsletter", "photo", "min read", "file photo", "don't spam", "editor's picks", "said",
    ". ", "? ", "! ", ",", ".", "...", "…", "©", "(c) 2024", "(C)2024", "(c)  2024", "(C) 20x4",
    "(Reporting by", "(reporting", "(Additional reporting", "Editing by", "Compiled by",
    "contributed by", "Reporting", "(Writing", "edited", "12:30", "1:2", ":123", "3/4/2024",
    "1/2/3", "12/12/12345", "123/4/56", "-1-22", ".5.99", "4.5.6.7", "٣:٤٥", "1²/3/44",
    "http://", "https://x.com", "http:/", "httpss://", "www.", "wwww.", "@foo.bar", "@.x", "@a.",
    ".com", ".comx", "x.com/", "|", "•", "»", "›", "·", "▶", "►", " / ", "\u3000/\u3000",
    "\t/\t", "/ /", "By", "by", "BY", "Bye", "Posted by", "Post by", "Written by", "Author",
    "Von", "Por", "Par", "Parx", "By_", "WASHINGTON (Reuters)", "PARIS, ", "LONDON - ",
    "NEW YORK —", "AB (AP)", "A.B. (dpa)", "XY: ", "ABC", "٣", "߁", "\u0301", "_", "’", "'",
    "-", "a--b", "a.'b", "U.S.", "İ", "Σ", "ΟΔΟΣ", "שלום", "中文", "😀", "\x00", "\t", "\x85",
    "\u00a0", "\u2028", "\u200b", "½", "ß", "K", "123", "0", "x", "ab", "abc", "Words",
    " ", "  ", '"', "“", "‘", "«", ")", "”",
]  # fmt: skip
ENDS = ["", ".", "!", "?", ":", '"', "”", "’", ")", "»", "...", "…", " …", "x", "1", "\u0301"]


def _random_page(rng: random.Random) -> Page:
    n = rng.choice([1, 2, 3, 5, 10, 30, 80])
    texts = []
    for _ in range(n):
        parts = [
            rng.choice(PIECES) + rng.choice(["", " ", " ", "\t"]) for _ in range(rng.randint(1, 40))
        ]
        texts.append(("".join(parts) + rng.choice(ENDS)) or ".")
    for _ in range(rng.randint(0, 3)):  # duplicates, teasers, same cuts, split datelines
        i, j = rng.randrange(n), rng.randrange(n)
        if rng.random() < 0.4:
            texts[j] = (
                texts[i]
                if len(texts[i]) < 35
                else texts[i][: rng.randint(30, len(texts[i]))] + "..."
            )
        elif rng.random() < 0.5:
            texts[i], texts[j] = "x" * rng.randint(40, 44), "y" * rng.randint(39, 45)
        elif i + 1 < n:
            texts[i], texts[i + 1] = (
                rng.choice(["WASHINGTON", "AB C", "ABC "]),
                rng.choice(["- x", "—", "-"]),
            )
    if rng.random() < 0.1:
        texts.append(" ".join(f"w{rng.randrange(10**6)}" for _ in range(rng.randint(100, 3000))))
    title = rng.choice(
        [None, "", "x", " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8)))]
    )
    return _page(texts, title, html=rng.random() < 0.2)


@pytest.mark.parametrize("seed", range(4))
def test_random_pages(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        assert_same(_random_page(rng))


# --- character classes and the tokeniser -------------------------------------------------------


def _code_points() -> list[int]:
    """The first blocks whole, then every code point that is a space, a digit or a number, or
    changes when lower-cased, and a stride through the rest."""
    return [
        c
        for c in range(0x110000)
        if c < 0x3100
        or c % 97 == 0
        or chr(c).isspace()
        or chr(c).isnumeric()
        or chr(c).lower() != chr(c)
    ]


@needs_kernel
def test_tokeniser_matches_the_word_regex_on_every_code_point() -> None:
    every = "".join(map(chr, range(0x110000)))
    for text in (" ".join(every), every):
        assert KERNEL.tokens(text) == features._WORD.findall(text)
    for sep in "-'’._":
        text = "".join(f"a{sep}{chr(c)} {chr(c)}{sep}a " for c in _code_points())
        assert KERNEL.tokens(text) == features._WORD.findall(text)


def test_matchers_on_every_character_class() -> None:
    """Each code point in the places where a hand-written matcher tests a character class."""
    texts = []
    for c in _code_points():
        if c == 10 or 0xD800 <= c <= 0xDFFF:
            continue
        ch = chr(c)
        texts += [
            f"By{ch} 5:{ch}{ch} 5/{ch}/{ch}{ch} 7:1{ch} (c){ch}2024 (C) {ch * 4} @{ch}.{ch}"
            f" a{ch}/{ch}b .com{ch} x{ch}. y{ch}? {ch}, http{ch}:// Reporting{ch}by"
            f" ww{ch}. {ch}x{ch}",
            f"ABC{ch}-{ch}x AB{ch}(AP) {ch}",
            f"{ch}Author x{ch}",
        ]
    for start in range(0, len(texts), 9000):
        assert_same(_page(texts[start : start + 9000], title="By x"))


# --- dispatch -----------------------------------------------------------------------------------


@needs_kernel
def test_own_features_uses_the_kernel_when_built() -> None:
    from cleaner.speedups import status

    assert status()["_linestats"]
    assert features._TABLES is not None


def test_pure_python_switch_runs_the_reference() -> None:
    """CLEANER_PURE_PYTHON=1 leaves the kernel out, and the result is the same bytes."""
    code = (
        "import hashlib, cleaner.features as F\n"
        "from cleaner.lines import to_page\n"
        f"page = to_page({_SWITCH_TEXT!r}, 'text')\n"
        "print(F._kernel is None, F._TABLES is None)\n"
        "print(hashlib.sha256(F.own_features(page).tobytes()).hexdigest())\n"
    )
    env = {**os.environ, PURE_PYTHON_ENV: "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[:2] == ["True", "True"]
    page = to_page(_SWITCH_TEXT, "text")
    assert out[2] == hashlib.sha256(features._own_features_python(page).tobytes()).hexdigest()
    assert out[2] == hashlib.sha256(features.own_features(page).tobytes()).hexdigest()


_SWITCH_TEXT = "Home | News\nBy Jane Doe\n\nWASHINGTON (Reuters) - The mayor said. Read more"


@needs_kernel
def test_tables_refuse_regexes_the_kernel_does_not_implement() -> None:
    base = dict(
        word_rx=features._WORD,
        bullet_rx=features._BULLETS,
        cue_rx=features._CUE_RX,
        digit_before=features._DIGIT_BEFORE,
        cue_names=features._CUE_NAMES,
        stop=features.stopwords(),
        single=features._CUE_SINGLE,
        multi=features._CUE_MULTI,
        reader=features._READER,
        imperative=features._IMPERATIVE,
        end_punct=features._END_PUNCT,
        open_quotes=features._OPEN_QUOTES,
        long_line_words=features._LONG_LINE_WORDS,
        teaser_group_max=features._TEASER_GROUP_MAX,
    )
    KERNEL.Tables(**base)
    changed = {**features._CUE_RX, "date": re.compile(r":\d\d\d", re.M)}
    for wrong in (
        {"cue_rx": changed},
        {"cue_rx": {**features._CUE_RX, "byline": re.compile(features._CUE_REGEX["byline"])}},
        {"word_rx": re.compile(r"\w+")},
        {"digit_before": frozenset()},
    ):
        with pytest.raises(ValueError, match="regexes"):
            KERNEL.Tables(**{**base, **wrong})
