"""Body precision / recall / F1 over word tokens: per page, then averaged over pages."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .text import words


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float


def token_prf(predicted: str, gold: str) -> Score:
    """Bag-of-words overlap. Empty output scores 0 (unless gold is empty too, then 1)."""
    pred, ref = Counter(words(predicted)), Counter(words(gold))
    n_pred, n_ref = sum(pred.values()), sum(ref.values())
    if n_pred == 0 or n_ref == 0:
        value = 1.0 if n_pred == n_ref else 0.0
        return Score(value, value, value)
    common = sum((pred & ref).values())
    p, r = common / n_pred, common / n_ref
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Score(p, r, f)


def mean_scores(scores: list[Score]) -> Score:
    if not scores:
        return Score(0.0, 0.0, 0.0)
    n = len(scores)
    return Score(
        sum(s.precision for s in scores) / n,
        sum(s.recall for s in scores) / n,
        sum(s.f1 for s in scores) / n,
    )


def predicted_text(article, convention: str) -> str:
    """What a gold convention compares against: "body" = the body only; "article" = headline,
    bylines, captions and body (Dragnet's annotators kept those with the text)."""
    if convention == "body":
        return article.body
    return "\n".join(ln.text for ln in article.lines if kept_by(convention, ln.label))


def kept_by(convention: str, label: str) -> bool:
    """Whether a line with this label is in the text a gold convention is compared with."""
    return label == "body" if convention == "body" else label != "boilerplate"


@dataclass(frozen=True, slots=True)
class LineError:
    """A line the cleaner judged otherwise than the gold: removed though the gold has it
    ("missed"), or kept though the gold does not ("extra"), with the cleaner's label, score and
    reason, so a retraining user sees which of the model's cues misled it."""

    index: int
    kind: str  # "missed" | "extra"
    label: str
    score: float
    reason: str
    text: str


def line_errors(article, gold: str, convention: str) -> list[LineError]:
    """The article's lines that disagree with the gold text, in page order. A line is gold when
    most of its words align with the gold in order (corpora.gold_line_mask, the aligner that
    labels the corpora for training), so a few words shared by chance do not count."""
    from .corpora import gold_line_mask

    errors = []
    for ln, in_gold in zip(article.lines, gold_line_mask(article.lines, gold), strict=True):
        kept = kept_by(convention, ln.label)
        if kept != in_gold:
            kind = "extra" if kept else "missed"
            errors.append(LineError(ln.index, kind, ln.label, ln.score, ln.reason, ln.text))
    return errors


_DETAIL = re.compile(r"\s*\([^()]*\)")


def reason_kind(reason: str) -> str:
    """A reason without its particulars: the first clause, parentheses dropped ("article text
    (36 words); p=0.55" -> "article text"), so the same cue counts as one across pages."""
    return _DETAIL.sub("", reason.split(";")[0]).strip()


def error_summary(scores: list[PageScore]) -> list[tuple[str, str, int]]:
    """(kind, reason, words) over all pages' line errors, most words first: which cues cost
    the most text (missed) or let the most in (extra)."""
    total: Counter[tuple[str, str]] = Counter()
    for s in scores:
        for e in s.line_errors or []:
            total[(e.kind, reason_kind(e.reason))] += len(words(e.text))
    ranked = sorted(total.items(), key=lambda item: (-item[1], item[0]))
    return [(kind, reason, n) for (kind, reason), n in ranked]


@dataclass(slots=True)
class PageScore:
    id: str
    score: Score
    error: str | None = None
    line_errors: list[LineError] | None = None  # when evaluate_pages was asked for them
    title: str | None = None  # the article's title
    gold_title: str | None = None  # the page's marked headline, where the corpus has one

    @property
    def title_ok(self) -> bool | None:
        """Whether the title is the gold headline; None when the page has none."""
        return None if self.gold_title is None else title_matches(self.title, self.gold_title)


TITLE_MATCH = 0.8
"""Share of words (Jaccard, over distinct words) a found title must share with the gold
headline: the same headline give or take punctuation or a word, not a different line."""


def title_matches(found: str | None, gold: str) -> bool:
    """Whether the cleaner's title is the gold headline (False when it found none)."""
    a, b = set(words((found or "").lower())), set(words(gold.lower()))
    return bool(a and b) and len(a & b) / len(a | b) >= TITLE_MATCH


def title_accuracy(scores: list[PageScore]) -> tuple[int, int]:
    """(pages whose title is the gold headline, pages with a gold headline)."""
    judged = [s.title_ok for s in scores if s.title_ok is not None]
    return sum(judged), len(judged)


def evaluate_pages(
    items, *, model=None, convention: str = "body", with_line_errors: bool = False
) -> list[PageScore]:
    """Score (id, page text or HTML, kind, gold text[, gold headline]) items; a failed page
    scores 0. With a gold headline (not None), whether the article's title is it.
    with_line_errors also lists each page's misjudged lines (about 0.2 s a page more)."""
    from .clean import clean

    out = []
    for page_id, content, kind, gold, *rest in items:
        article = clean(content, id=page_id, kind=kind, model=model)
        score = token_prf(predicted_text(article, convention), gold)
        errors = line_errors(article, gold, convention) if with_line_errors else None
        gold_title = rest[0] if rest else None
        out.append(PageScore(page_id, score, article.error, errors, article.title, gold_title))
    return out


def iter_gold_folder(folder, kind: str):
    """(id, content, kind, gold) for every `<id>.gold.txt` in a folder with its `<id>.txt` or
    `<id>.html` beside it (kind "text" or "html")."""
    from pathlib import Path

    folder = Path(folder)
    for gold_path in sorted(folder.glob("*.gold.txt")):
        page_id = gold_path.name[: -len(".gold.txt")]
        src = folder / (f"{page_id}.html" if kind == "html" else f"{page_id}.txt")
        if not src.exists():
            continue
        content = src.read_bytes() if kind == "html" else src.read_text("utf-8", "replace")
        yield page_id, content, kind, gold_path.read_text("utf-8", "replace")


def iter_corpus_split(corpus: str, split: str, kind: str, shared=None):
    """The same items for a corpus beside the project (../shared/corpora), one split, with the
    page's gold headline where the corpus marks it (L3S's line labels; else None)."""
    from .corpora import gold_headline, iter_pages

    for page in iter_pages(corpus, split, shared):
        if kind == "html":
            content = page.html_path.read_bytes()
        else:
            content = page.text_path.read_text("utf-8", "replace")
        yield page.id, content, kind, page.gold(), gold_headline(page)
