"""Body precision / recall / F1 over word tokens: per page, then averaged over pages."""

from __future__ import annotations

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
    return "\n".join(ln.text for ln in article.lines if ln.label != "boilerplate")


@dataclass(slots=True)
class PageScore:
    id: str
    score: Score
    error: str | None = None


def evaluate_pages(items, *, model=None, convention: str = "body") -> list[PageScore]:
    """Score (id, page text or HTML, kind, gold text) items; a failed page scores 0."""
    from .clean import clean

    out = []
    for page_id, content, kind, gold in items:
        article = clean(content, id=page_id, kind=kind, model=model)
        out.append(
            PageScore(page_id, token_prf(predicted_text(article, convention), gold), article.error)
        )
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
    """The same items for a corpus beside the project (../shared/corpora), one split."""
    from .corpora import iter_pages

    for page in iter_pages(corpus, split, shared):
        if kind == "html":
            content = page.html_path.read_bytes()
        else:
            content = page.text_path.read_text("utf-8", "replace")
        yield page.id, content, kind, page.gold()
