"""Page → Article: lines, pass-1 scores, context pass, then the article with a reason a line."""

from __future__ import annotations

import numpy as np

from .article import LABELS, Article
from .callable_module import make_callable
from .comments import cut_comment_section
from .features import line_features
from .lines import Page, to_page
from .model import LineModel, load_model
from .outlet import guess_outlet
from .reasons import PageReasons
from .recurring import SiteLines
from .sources import Record
from .text import without_lone_surrogates

_TITLE = LABELS.index("title")
_LABEL_INDEX = {label: k for k, label in enumerate(LABELS)}


def classify(page: Page, model: LineModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, pass-1 probabilities, pass-2 probabilities) for every line of a page."""
    kind = "html" if page.is_html else "text"
    X = model.pass1_inputs(line_features(page, model.spare_columns(kind)), page, kind)
    if X.shape[0] == 0:
        empty = np.zeros((0, len(LABELS)), dtype=np.float32)
        return X, empty, empty
    p1, p2 = model.predict(X, kind)
    return X, p1, p2


def _decide(p2: np.ndarray, texts: list[str]) -> tuple[list[str], dict[int, str]]:
    """Labels from the revised scores, with one headline: the likeliest title line stays title,
    lines repeating it are boilerplate, other would-be titles take their next-best label."""
    labels = [LABELS[k] for k in np.argmax(p2, axis=1)]
    notes: dict[int, str] = {}
    titles = [i for i, lab in enumerate(labels) if lab == "title"]
    if not titles:
        return labels, notes
    keep = max(titles, key=lambda i: (p2[i, _TITLE], -i))
    headline = texts[keep].casefold()
    for i, text in enumerate(texts):
        if i == keep:
            continue
        if text.casefold() == headline:
            if labels[i] != "boilerplate":
                labels[i] = "boilerplate"
                notes[i] = "repeats the title"
        elif labels[i] == "title":
            order = np.argsort(-p2[i])
            labels[i] = next(LABELS[k] for k in order if LABELS[k] != "title")
    return labels, notes


_BODY = LABELS.index("body")
_FALLBACK_FLOOR = 0.02  # below this, nothing on the page looks like article text at all
_FALLBACK_FROM = ("boilerplate", "caption")
_FALLBACK_SPAN = 0.3  # neighbours at least this share of the best line's body score join it


def _best_candidate_block(p2: np.ndarray, labels: list[str], notes: dict[int, str]) -> None:
    """A news page has an article: when no line was confidently body (a short post among much
    else), keep the block around the likeliest body line rather than return nothing."""
    body = p2[:, _BODY]
    # lines removed by a rule (repeated title, site recurrence) are not candidates
    free = [i for i, lab in enumerate(labels) if lab in _FALLBACK_FROM and i not in notes]
    if not free:
        return
    best = max(free, key=lambda i: (body[i], -i))
    if body[best] < _FALLBACK_FLOOR:
        return
    floor = _FALLBACK_SPAN * body[best]
    lo = hi = best

    def joins(j: int) -> bool:
        return labels[j] in _FALLBACK_FROM and j not in notes and body[j] >= floor

    while lo > 0 and joins(lo - 1):
        lo -= 1
    while hi + 1 < len(labels) and joins(hi + 1):
        hi += 1
    for i in range(lo, hi + 1):
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
    page: Page, model: LineModel, *, id: str = "", site_lines: SiteLines | None = None
) -> Article:
    """Label every line and assemble the article; never raises for odd content."""
    if not page.lines:
        reason = "; ".join(page.notes) or "the input has no text"
        return Article(id=id, error=f"empty: {reason}")
    X, p1, p2 = classify(page, model)
    texts = [ln.text for ln in page.lines]
    labels, notes = _decide(p2, texts)
    if site_lines is not None:
        _apply_site_lines(page, labels, notes, site_lines)
    cut_comment_section(texts, labels, notes)
    if "body" not in labels:
        _best_candidate_block(p2, labels, notes)
    columns = model.pass1_columns("html" if page.is_html else "text")
    reasons = PageReasons(X, p1, p2, labels, notes, columns)  # worded when first read
    scores = p2[np.arange(len(labels)), [_LABEL_INDEX[lab] for lab in labels]].tolist()
    for i, ln in enumerate(page.lines):
        ln.label = labels[i]
        ln.score = scores[i]
        ln._reason = (reasons, i)
    title = next((ln.text for ln in page.lines if ln.label == "title"), None)
    bylines = [ln.text for ln in page.lines if ln.label == "byline"]
    body = "\n".join(ln.text for ln in page.lines if ln.label == "body")
    article = Article(
        id=id,
        title=title,
        byline=" | ".join(bylines) if bylines else None,
        body=body,
        captions=[ln.text for ln in page.lines if ln.label == "caption"],
        outlet=guess_outlet(page.lines, page.site_name),
        lines=page.lines,
        warnings=list(page.notes),
    )
    if not body:
        article.error = "no article text found: every line was classified as boilerplate"
    return article


def clean(
    text_or_html: str | bytes,
    *,
    id: str = "",
    kind: str = "auto",
    model: LineModel | None = None,
    site_lines: SiteLines | None = None,
) -> Article:
    """Clean one page (plain-text scrape or HTML). `kind` is "auto", "text" or "html".

    `site_lines` (see `cleaner.recurring`) marks lines that recur across the site's pages in
    the batch as boilerplate. Bad content never raises: the returned Article's `error` says
    what went wrong. A missing or altered model does raise (ModelError): that is a set-up
    problem, not a bad input."""
    model = model or load_model()
    try:
        if isinstance(text_or_html, (bytearray, memoryview)):
            text_or_html = bytes(text_or_html)
        if isinstance(text_or_html, bytes):
            from .sources import decode_bytes

            text_or_html, _ = decode_bytes(text_or_html)
        if not isinstance(text_or_html, str):
            kind_name = type(text_or_html).__name__
            raise ValueError(f"expected the page as str or bytes, got {kind_name}")
        if kind not in ("auto", "text", "html"):
            raise ValueError(f"kind must be 'auto', 'text' or 'html', not {kind!r}")
        page = to_page(without_lone_surrogates(text_or_html), kind)
        return article_from_page(page, model, id=id, site_lines=site_lines)
    except ValueError as exc:
        return Article(id=id, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a batch must go on; the error is reported
        return Article(id=id, error=f"internal error: {type(exc).__name__}: {exc}")


def clean_record(
    record: Record, *, model: LineModel | None = None, site_lines: SiteLines | None = None
) -> Article:
    """Clean a Record from `sources`; its id and extra fields pass through to the Article."""
    if record.error is not None:
        return Article(id=record.id, error=record.error, meta=dict(record.meta))
    kind, content = ("html", record.html) if record.html is not None else ("text", record.text)
    article = clean(content or "", id=record.id, kind=kind, model=model, site_lines=site_lines)
    article.meta = dict(record.meta)
    return article


make_callable(__name__, lambda: clean)  # `cleaner.clean(...)` works even once this module is bound
