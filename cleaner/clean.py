"""Page → Article: lines, pass-1 scores, context pass, then the article with a reason a line."""

from __future__ import annotations

import os
import re

import numpy as np

from .article import LABELS, Article
from .callable_module import make_callable
from .comments import cut_comment_section
from .credits import mark_credit_lines
from .features import line_features_and_words
from .headline import HeadlineRanker, is_sentence
from .lines import Page, to_page
from .model import LineModel, load_model
from .notices import cut_copyright_notices
from .outlet import guess_outlet
from .reasons import PageReasons
from .recurring import SiteLines
from .sources import Record
from .text import without_lone_surrogates

_HAS_WORD = re.compile(r"[^\W_]")  # a letter or digit: "*****" and "-----" have none
_TITLE = LABELS.index("title")
_LABEL_INDEX = {label: k for k, label in enumerate(LABELS)}


def classify(page: Page, model: LineModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, pass-1 probabilities, pass-2 probabilities) for every line of a page."""
    kind = "html" if page.is_html else "text"
    X, words = line_features_and_words(
        page, model.spare_columns(kind), keep_words=model.has_word_model(kind)
    )
    X = model.pass1_inputs(X, page, kind, words)
    if X.shape[0] == 0:
        empty = np.zeros((0, len(LABELS)), dtype=np.float32)
        return X, empty, empty
    p1, p2 = model.predict(X, kind, page)
    return X, p1, p2


def _decide(
    p2: np.ndarray,
    texts: list[str],
    p1: np.ndarray | None = None,
    ranker: HeadlineRanker | None = None,
    title_hint: str | None = None,
) -> tuple[list[str], dict[int, str]]:
    """Labels from the revised scores, with one headline: the headline ranker's pick when the
    model has one (see headline.py), else the likeliest title line; lines repeating it are
    boilerplate, other would-be titles take their next-best label, and so does a would-be title
    that is a sentence (see is_sentence)."""
    labels = initial_labels(p2, texts)
    notes: dict[int, str] = {}
    keep = _headline(p2, texts, labels, notes, p1, ranker, title_hint)
    if keep is None:
        return labels, notes
    headline = texts[keep].casefold()
    n = len(headline)  # casefold maps a character to one to three: other lengths never match
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    maybe = np.flatnonzero((lengths <= n) & (3 * lengths >= n)).tolist()
    repeats = [i for i in maybe if i != keep and texts[i].casefold() == headline]
    for i in repeats:
        if labels[i] != "boilerplate":
            labels[i] = "boilerplate"
            notes[i] = "repeats the title"
    if labels.count("title") > 1:  # most pages have one title line: the headline
        for i in [i for i, lab in enumerate(labels) if lab == "title" and i != keep]:
            labels[i] = _next_best(p2[i])
    return labels, notes


def initial_labels(p2: np.ndarray, texts: list[str]) -> list[str]:
    """Each line's likeliest label, but a would-be title that is a sentence takes its next
    best (training's headline ranker sees the same labels)."""
    best = np.argmax(p2, axis=1)
    labels = list(map(LABELS.__getitem__, best.tolist()))
    for i in np.flatnonzero(best == _TITLE).tolist():
        if is_sentence(texts[i]):
            labels[i] = _next_best(p2[i])
    return labels


def _headline(
    p2: np.ndarray,
    texts: list[str],
    labels: list[str],
    notes: dict[int, str],
    p1: np.ndarray | None,
    ranker: HeadlineRanker | None,
    title_hint: str | None = None,
) -> int | None:
    """The headline's line, labelled title (None: the page has none). Without a ranker, the
    title line with the highest title score (a title hint needs the ranker's candidates)."""
    if ranker is None or p1 is None:
        titles = [i for i, lab in enumerate(labels) if lab == "title"]
        return max(titles, key=lambda i: (p2[i, _TITLE], -i)) if titles else None
    pick = ranker.choose(texts, labels, p1, p2, title_hint)
    if pick is None:
        for i, lab in enumerate(labels):
            if lab == "title":
                labels[i] = _next_best(p2[i])
        return None
    keep, prob, hinted = pick
    if hinted:
        notes[keep] = "headline: matches the title given with the page"
    elif labels[keep] != "title":
        notes[keep] = f"headline: the headline ranker's pick of the lines at the top ({prob:.2f})"
    labels[keep] = "title"
    return keep


def _next_best(scores: np.ndarray) -> str:
    """The likeliest label other than title."""
    return next(LABELS[k] for k in np.argsort(-scores) if LABELS[k] != "title")


_FEW_LINES = 3


def _only_paragraphs(texts: list[str]) -> bool:
    """A page of at most three lines, each a sentence paragraph (see is_sentence), is an
    article another tool already extracted. With so little around them the model has nothing
    to measure a line's topic against (a paragraph looks off-topic), and retrained networks
    dropped one of two such paragraphs as often as not (tests/test_plain_html.py)."""
    return 0 < len(texts) <= _FEW_LINES and all(map(is_sentence, texts))


HEADLINE_FLOOR = 0.05
"""A page's HTML that names no title line still has a headline: the line above the article with
the highest title score becomes it when that score is at least this (see _headline_fallback)."""
HEADLINE_REACH = 10  # how many lines above the first body line the headline is looked for


def _headline_fallback(p2: np.ndarray, labels: list[str], notes: dict[int, str]) -> None:
    """An HTML page with article text but no line labelled title: the likeliest title line in
    the HEADLINE_REACH lines above the first body line becomes the title. On the L3S dev
    pages, whose line labels mark the headline, this finds it on 2 to 15 more pages of 107
    over four training seeds (about one pick in four is wrong); on text scrapes half its picks
    were wrong, so text keeps no title instead."""
    first_body = labels.index("body")
    candidates = [
        i for i in range(max(0, first_body - HEADLINE_REACH), first_body) if i not in notes
    ]
    if not candidates:
        return
    best = max(candidates, key=lambda i: (p2[i, _TITLE], -i))
    if p2[best, _TITLE] >= HEADLINE_FLOOR:
        labels[best] = "title"
        notes[best] = "headline: the likeliest title line above the article (none was sure)"


_BODY = LABELS.index("body")
_BOILERPLATE = LABELS.index("boilerplate")
_FALLBACK_FLOOR = 0.02  # below this, nothing on the page looks like article text at all
_FALLBACK_FROM = ("boilerplate", "caption")
_FALLBACK_SPAN = 0.3  # candidates: lines with at least this share of the best keep score
_FALLBACK_GAP = 2  # candidates this many lines apart (one line between) are one block
CONFIDENT_BODY = 0.7
"""A page whose surest body line scores below this (pass 2's body probability) has no line
that is confidently body: its body lines compete with the other candidates for the likeliest
block (_best_candidate_block). Chosen out of fold over the fit sites among 0.5 to 0.9
(bench/RESULTS.md, session 20): the smallest that gained on both corpora and both kinds."""
_OUTSIDE_BLOCK = (
    "removed: no line was confidently body, and this one is outside the likeliest block"
)


def keep_likeliest_block(
    p2: np.ndarray, texts: list[str], labels: list[str], notes: dict[int, str]
) -> None:
    """When no line is confidently body, the body is the likeliest block of the page
    (_best_candidate_block), the unsure body lines competing with the other candidates; those
    left out are removed, saying why. Lines a rule set are left alone."""
    unsure = _unsure_body(p2, labels, notes)
    if unsure is None:
        return
    for i in unsure:
        labels[i] = "boilerplate"
    _best_candidate_block(p2, texts, labels, notes)
    kept_none = "body" not in labels  # nothing over the floor: the unsure lines stay
    for i in unsure:
        if kept_none:
            labels[i] = "body"
        elif labels[i] != "body":
            notes[i] = _OUTSIDE_BLOCK


ISLAND_BODY = 0.6
"""A run of body lines away from the page's main body block is kept only if one of its lines
scores at least this (pass 2's body probability): a stray paragraph the networks half believe
(an author's bio, a reader prompt, a listing under the story) is not the article. Chosen out of
fold over the fit sites among 0.5 to 0.8 (bench/RESULTS.md, session 20): the one that gained
on both corpora and kinds and on the dev seeds."""
_ISLAND_GAP = 3  # body lines this many lines apart (two lines between) are one run
_ISLAND = "removed: unsure article text away from the page's main body block"


def drop_unsure_islands(
    p2: np.ndarray, texts: list[str], labels: list[str], notes: dict[int, str]
) -> None:
    """Runs of body lines other than the one with the most words, none of whose lines scores
    ISLAND_BODY, become boilerplate, saying why; runs holding a line a rule set stay."""
    runs = _runs([i for i, lab in enumerate(labels) if lab == "body"], _ISLAND_GAP)
    if len(runs) < 2:
        return
    main = max(runs, key=lambda run: sum(len(texts[i].split()) for i in run))  # the first on a tie
    for run in runs:
        if run is main or any(i in notes for i in run) or p2[run, _BODY].max() >= ISLAND_BODY:
            continue
        for i in run:
            labels[i] = "boilerplate"
            notes[i] = _ISLAND


def _runs(lines: list[int], gap: int) -> list[list[int]]:
    """Line numbers (ascending) grouped into runs: a number at most `gap` after the previous
    one continues its run."""
    runs: list[list[int]] = []
    for i in lines:
        if runs and i - runs[-1][-1] <= gap:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _unsure_body(p2: np.ndarray, labels: list[str], notes: dict[int, str]) -> list[int] | None:
    """The page's body lines when none is confidently body (an empty list when there are
    none); None when one is, or when a rule set any of them (it is sure)."""
    sure = np.flatnonzero(p2[:, _BODY] >= CONFIDENT_BODY).tolist()  # few: no loop over lines
    if any(labels[i] == "body" for i in sure):
        return None
    body = [i for i, lab in enumerate(labels) if lab == "body"]
    return None if any(i in notes for i in body) else body


def _best_candidate_block(
    p2: np.ndarray, texts: list[str], labels: list[str], notes: dict[int, str]
) -> None:
    """A news page has an article: when no line was confidently body (a short post among much
    else; see CONFIDENT_BODY), keep the likeliest block rather than return nothing or a stray
    line. A line's keep score is its probability of not being boilerplate; the candidates are
    the lines scoring at least FALLBACK_SPAN of the best, grouped into blocks (at most one
    other line between two), and the block with the most keep score weighted by log1p(words)
    is kept. Choosing a block, not the one likeliest line and its neighbours, matters on short
    posts beside a sidebar's one-paragraph bio: the post's lines outweigh it together though
    none of them beats it alone. Measured out of fold (bench/RESULTS.md, session 20): Dragnet
    +0.003 on text and HTML."""
    # lines removed by a rule (repeated title, site recurrence) are not candidates
    free = [i for i, lab in enumerate(labels) if lab in _FALLBACK_FROM and i not in notes]
    if not free or max(p2[free, _BODY]) < _FALLBACK_FLOOR:
        return
    keep = 1.0 - p2[:, _BOILERPLATE]
    floor = _FALLBACK_SPAN * max(keep[free])
    candidates = [i for i in free if keep[i] >= floor]
    blocks = _runs(candidates, _FALLBACK_GAP)
    weight = {i: keep[i] * np.log1p(len(texts[i].split())) for i in candidates}
    best = max(blocks, key=lambda block: sum(weight[i] for i in block))  # the first on a tie
    for i in best:
        labels[i] = "body"
        notes[i] = "kept as the likeliest article text (no line was confidently body)"


_SITE_BODY_SHARE = 0.5


def _apply_site_lines(
    page: Page, labels: list[str], notes: dict[int, str], site: SiteLines
) -> None:
    """Lines on many of the site's pages become boilerplate, except titles and bylines, and
    except the body lines when they hold most of the page's body words: then the recurring text
    is the story itself (near-copies of one story in the batch), not the site's furniture."""
    hits = [(i, n) for i, ln in enumerate(page.lines) if (n := site.pages_with(ln.text))]
    hits = [(i, n) for i, n in hits if labels[i] not in ("title", "byline")]
    words = {i: len(ln.text.split()) for i, ln in enumerate(page.lines) if labels[i] == "body"}
    taken = sum(words.get(i, 0) for i, _ in hits)
    spare_body = taken > _SITE_BODY_SHARE * sum(words.values())
    for i, n in hits:
        if spare_body and i in words:
            continue
        labels[i] = "boilerplate"
        notes[i] = f"recurs on {n} of {site.pages} pages from {site.site}"


def article_from_page(
    page: Page,
    model: LineModel,
    *,
    id: str = "",
    site_lines: SiteLines | None = None,
    title_hint: str | None = None,
) -> Article:
    """Label every line and assemble the article; never raises for odd content."""
    if not page.lines:
        reason = "; ".join(page.notes) or "the input has no text"
        return Article(id=id, error=f"empty: {reason}")
    texts = [ln.text for ln in page.lines]
    if not any(map(_HAS_WORD.search, texts)):  # stops at the first line with a word
        return Article(id=id, error="empty: the input has no words (only symbols)")
    X, p1, p2 = classify(page, model)
    kind = "html" if page.is_html else "text"
    labels, notes = _decide(p2, texts, p1, model.headline_ranker(kind), title_hint)
    if _only_paragraphs(texts):
        for i in range(len(labels)):
            if labels[i] != "body":
                labels[i] = "body"
                notes[i] = "the page is nothing but a few paragraphs: an article already extracted"
    if site_lines is not None:
        _apply_site_lines(page, labels, notes, site_lines)
    cut_comment_section(texts, labels, notes)
    cut_copyright_notices(texts, labels, notes)
    if model.predicts(kind, "byline"):
        mark_credit_lines(texts, labels, notes)
    keep_likeliest_block(p2, texts, labels, notes)
    drop_unsure_islands(p2, texts, labels, notes)
    if page.is_html and "title" not in labels and "body" in labels and not model.headline:
        _headline_fallback(p2, labels, notes)
    columns = model.pass1_columns(kind)
    reasons = PageReasons(X, p1, p2, labels, notes, columns)  # worded when first read
    kinds = np.fromiter(map(_LABEL_INDEX.__getitem__, labels), dtype=np.intp, count=len(labels))
    scores = p2[np.arange(len(labels)), kinds].tolist()
    for i, (ln, label, score) in enumerate(zip(page.lines, labels, scores, strict=True)):
        ln.label = label
        ln.score = score
        ln._reason = (reasons, i)
    # the parts, from the label and text lists (cheaper than each line's attributes)
    title = texts[labels.index("title")] if "title" in labels else None
    bylines = [t for t, label in zip(texts, labels, strict=True) if label == "byline"]
    body = "\n".join([t for t, label in zip(texts, labels, strict=True) if label == "body"])
    article = Article(
        id=id,
        title=title,
        byline=" | ".join(bylines) if bylines else None,
        body=body,
        captions=[t for t, label in zip(texts, labels, strict=True) if label == "caption"],
        outlet=guess_outlet(page.lines, page.site_name),
        lines=page.lines,
        warnings=list(page.notes),
    )
    if not body:
        article.error = "no article text found: every line was classified as boilerplate"
    return article


def read_page(
    text_or_html: str | bytes, *, id: str = "", kind: str = "auto"
) -> tuple[Page, str | None]:
    """The page `clean` labels: bytes decoded as files are, lone surrogates replaced, the text
    or HTML split into lines; and a warning about the decoding (None when there is none).
    Raises ValueError for what is not a page (another type, an unknown `kind`)."""
    if isinstance(text_or_html, (bytearray, memoryview)):
        text_or_html = bytes(text_or_html)
    warning = None
    if isinstance(text_or_html, bytes):
        from .sources import decode_bytes, decoding_warning

        text_or_html, encoding = decode_bytes(text_or_html)
        warning = decoding_warning(id or "the input", encoding)
    if not isinstance(text_or_html, str):
        kind_name = type(text_or_html).__name__
        raise ValueError(f"expected the page as str or bytes, got {kind_name}")
    if kind not in ("auto", "text", "html"):
        raise ValueError(f"kind must be 'auto', 'text' or 'html', not {kind!r}")
    return to_page(without_lone_surrogates(text_or_html), kind), warning


def clean(
    text_or_html: str | bytes,
    *,
    id: str = "",
    kind: str = "auto",
    model: LineModel | str | os.PathLike | None = None,
    site_lines: SiteLines | None = None,
    title_hint: str | None = None,
) -> Article:
    """Clean one page (plain-text scrape or HTML). `kind` is "auto", "text" or "html"; `model`
    a loaded model, the path of a model folder (loaded once, then cached), or None for the
    shipped one. `title_hint` is the page's title as a scraper stored it (say, its <title>):
    the headline candidate that matches it becomes the title (headline.matches_hint).

    `site_lines` (see `cleaner.recurring`) marks lines that recur across the site's pages in
    the batch as boilerplate. Bad content never raises: the returned Article's `error` says
    what went wrong. A missing or altered model does raise (ModelError): that is a set-up
    problem, not a bad input."""
    model = _resolve(model)
    try:
        page, warning = read_page(text_or_html, id=id, kind=kind)
    except ValueError as exc:
        return Article(id=id, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a batch must go on; the error is reported
        return _internal_error(id, exc)
    article = clean_page(page, id=id, model=model, site_lines=site_lines, title_hint=title_hint)
    if warning:
        article.warnings.insert(0, warning)
    return article


def clean_page(
    page: Page,
    *,
    id: str = "",
    model: LineModel | str | os.PathLike | None = None,
    site_lines: SiteLines | None = None,
    title_hint: str | None = None,
) -> Article:
    """`clean` of a page `read_page` has read: a batch's site pass reads every page first
    (clean_many), and hands it on rather than parse the HTML twice. Never raises for odd
    content; a page is labelled in place, so clean it once."""
    model = _resolve(model)
    try:
        if title_hint is not None and not isinstance(title_hint, str):
            hint_type = type(title_hint).__name__
            raise ValueError(f"title_hint must be a string or None, not {hint_type}")
        return article_from_page(page, model, id=id, site_lines=site_lines, title_hint=title_hint)
    except ValueError as exc:
        return Article(id=id, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a batch must go on; the error is reported
        return _internal_error(id, exc)


def _resolve(model: LineModel | str | os.PathLike | None) -> LineModel:
    return load_model(model) if isinstance(model, (str, os.PathLike)) else model or load_model()


def _internal_error(id: str, exc: Exception) -> Article:
    return Article(id=id, error=f"internal error: {type(exc).__name__}: {exc}")


def clean_record(
    record: Record,
    *,
    model: LineModel | None = None,
    site_lines: SiteLines | None = None,
    page: Page | None = None,
) -> Article:
    """Clean a Record from `sources`; its id and extra fields pass through to the Article. A
    record's own `title` field (a string) is the title hint (see `clean`). `page`: the record's
    content as `read_page` read it, when a first pass over the batch already did."""
    if record.error is not None:
        return Article(id=record.id, error=record.error, meta=dict(record.meta))
    kind, content = ("html", record.html) if record.html is not None else ("text", record.text)
    hint = record.meta.get("title")
    hint = hint if isinstance(hint, str) else None
    if page is None:
        article = clean(
            content or "",
            id=record.id,
            kind=kind,
            model=model,
            site_lines=site_lines,
            title_hint=hint,
        )
    else:
        article = clean_page(
            page, id=record.id, model=model, site_lines=site_lines, title_hint=hint
        )
    article.meta = dict(record.meta)
    article.warnings[:0] = record.warnings
    return article


make_callable(__name__, lambda: clean)  # `cleaner.clean(...)` works even once this module is bound
