"""Readers for the gold corpora beside the project (../shared/corpora): pages, a site-grouped
split, and line labels derived from gold text. Used for training, evaluation and benchmarks;
nothing read here is ever written into the repository."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import urlsplit

from .article import Line
from .text import words

CORPORA = ("dragnet", "l3s-gn1")
TEST_SHARE = 0.2
"""Share of *sites* (not pages) held out as the test split; no training run reads them."""

# How each corpus's gold text relates to our output: dragnet's annotators kept the headline,
# dates and captions with the article text, L3S's gold.txt is the full text only.
GOLD_CONVENTION = {"dragnet": "article", "l3s-gn1": "body"}
L3S_LABELS = {
    "0": "boilerplate",
    "1": "title",
    "2": "body",
    "3": "caption",
    "4": "boilerplate",
    "5": "boilerplate",
}


@dataclass(frozen=True, slots=True)
class CorpusPage:
    corpus: str
    id: str
    site: str
    split: str  # "train", "dev" or "test" (our site-grouped split, not the corpus's own)
    folder: Path

    @property
    def html_path(self) -> Path:
        return self.folder / f"{self.id}.html"

    @property
    def text_path(self) -> Path:
        return self.folder / f"{self.id}.txt"

    def gold(self) -> str:
        return read_gold(self.folder / f"{self.id}.gold.txt")

    def gold_with_extras(self) -> str:
        """Headline + text + captions where the corpus has them (L3S's Webis gold)."""
        path = self.folder / f"{self.id}.gold_webis.txt"
        return read_gold(path) if path.exists() else self.gold()


def read_gold(path: Path) -> str:
    """A gold file's text. A few of Dragnet's are UTF-16 whose bytes were re-encoded as if they
    were Latin-1 (they start "ÿþ" and have a NUL after every character): undo that, else the
    page's article would be taught as boilerplate."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if text.startswith("\u00ff\u00fe") and "\x00" in text[:64]:
        try:
            return text[2:].encode("latin-1").decode("utf-16-le", errors="replace")
        except UnicodeEncodeError:
            return text
    return text


def site_of(url: str, fallback: str) -> str:
    host = urlsplit(url).hostname or ""
    host = host.lower().removeprefix("www.")
    return host or f"unknown:{fallback}"


DEV_SHARE = 0.2
"""Share of the training sites set aside as "dev" while choosing features and settings; the
shipped model is then trained on train + dev. The test split is never used for choices."""


def site_split(site: str) -> str:
    """Deterministic split by site: the same site always lands on the same side."""
    digest = hashlib.sha256(site.encode("utf-8")).digest()
    if int.from_bytes(digest[:4], "big") / 2**32 < TEST_SHARE:
        return "test"
    return "dev" if int.from_bytes(digest[4:8], "big") / 2**32 < DEV_SHARE else "train"


SPLITS = ("test", "dev", "train", "fit")
"""The named splits; "fold:K/N" and "fit-but:K/N" split the fit sites N ways (see in_split)."""


def site_fold(site: str, folds: int) -> int:
    """The site's fold of `folds`, from hash bits the test/dev choice does not use: every page
    of a site lands in one fold, as in the held-out split."""
    digest = hashlib.sha256(site.encode("utf-8")).digest()
    return int.from_bytes(digest[8:12], "big") % folds


def parse_fold(split: str) -> tuple[str, int, int] | None:
    """("fold" | "fit-but", K, N) for a cross-validation split "fold:K/N" or "fit-but:K/N",
    None for a named split; ValueError for anything else."""
    if split in SPLITS:
        return None
    kind, _, fold = split.partition(":")
    k, _, n = fold.partition("/")
    if kind in ("fold", "fit-but") and k.isdigit() and n.isdigit() and int(k) < int(n):
        return kind, int(k), int(n)
    raise ValueError(
        f"unknown split {split!r}: expected one of {', '.join(SPLITS)}, "
        "fold:K/N or fit-but:K/N (0 <= K < N)"
    )


def in_split(split: str, site: str) -> bool:
    """Whether a site's pages belong to a split. "fit" is every site but the test ones;
    "fold:K/N" is the fit sites of fold K of N, and "fit-but:K/N" the other fit sites: train
    on fit-but:K/N and score fold:K/N for K = 0 .. N-1, and every fit page is scored once by
    a model that never saw its site (more pages to measure a change on than dev alone)."""
    return _holds(split, parse_fold(split), site_split(site), site)


def _holds(split: str, fold: tuple[str, int, int] | None, side: str, site: str) -> bool:
    """in_split with the split parsed (parse_fold) and the site's side (site_split) given."""
    if fold is None:
        return side == split or (split == "fit" and side != "test")
    kind, k, n = fold
    return side != "test" and (site_fold(site, n) == k) == (kind == "fold")


def default_shared_dir() -> Path:
    return Path(__file__).resolve().parents[1].parent / "shared"


def iter_pages(
    corpus: str, split: str | None = None, shared: Path | None = None
) -> Iterator[CorpusPage]:
    """Pages of one corpus in manifest order, optionally one split: "test", "dev", "train"
    (the training sites without dev), "fit" (train + dev: everything but test), or a
    cross-validation fold of the fit sites (see in_split)."""
    fold = None if split is None else parse_fold(split)  # a mistyped split is an error
    folder = (shared or default_shared_dir()) / "corpora" / corpus
    with open(folder / "manifest.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            site = site_of(row.get("url", ""), row["id"])
            side = site_split(site)
            if split is None or _holds(split, fold, side, site):
                yield CorpusPage(corpus, row["id"], site, side, folder)


# --- line labels from gold text -----------------------------------------------------------------

_MIN_SHARE = 0.5


def gold_line_mask(lines: list[Line], gold: str) -> list[bool]:
    """Which lines carry the gold text: align the page's word sequence with the gold's, in
    order (difflib), and call a line gold when at least half of its words are matched. Slow
    (about 0.2 s a page) but exact about order, so a related-link list or a comment quoting the
    article is not mistaken for article text; training caches the result."""
    line_words = [words(ln.text) for ln in lines]
    flat: list[str] = []
    owner: list[int] = []
    for i, ws in enumerate(line_words):
        flat.extend(ws)
        owner.extend([i] * len(ws))
    gold_words = words(gold)
    matched = [0] * len(lines)
    if flat and gold_words:
        matcher = SequenceMatcher(None, flat, gold_words, autojunk=False)
        for block in matcher.get_matching_blocks():
            if block.size == 0:
                continue
            # a lone matched word inside a longer line is chance, not alignment
            if block.size == 1 and len(line_words[owner[block.a]]) > 1:
                continue
            for k in range(block.a, block.a + block.size):
                matched[owner[k]] += 1
    return [bool(ws) and matched[i] / len(ws) >= _MIN_SHARE for i, ws in enumerate(line_words)]


def labels_from_gold(
    lines: list[Line], gold: str, extras: str | None = None, html_title: str | None = None
) -> list[str]:
    """Best-effort 5-way labels from gold text. Gold lines are body, except a short unpunctuated
    gold line at the top that matches the page title (title). With `extras` (gold that also holds
    headline and captions), lines only in the extras are title (before the body) or caption."""
    in_gold = gold_line_mask(lines, gold)
    in_extra = gold_line_mask(lines, extras) if extras else [False] * len(lines)
    labels = ["body" if g else "boilerplate" for g in in_gold]
    first_body = next((i for i, g in enumerate(in_gold) if g), len(lines))
    for i, ln in enumerate(lines):
        if extras and not in_gold[i] and in_extra[i]:
            labels[i] = "title" if i < first_body and _short_head(ln.text) else "caption"
    return mark_title(lines, labels, html_title)


def _short_head(text: str) -> bool:
    return 0 < len(words(text)) <= 25 and text[-1] not in '.!?"”'


def mark_title(lines: list[Line], labels: list[str], html_title: str | None) -> list[str]:
    """A short unpunctuated gold line near the top of the article that matches the page's
    <title> is the headline (gold that keeps headlines calls it article text)."""
    title_words = set(words(html_title or ""))
    if not title_words or "title" in labels:
        return labels
    out = list(labels)
    first_body = next((i for i, lab in enumerate(labels) if lab == "body"), len(lines))
    for i in range(first_body, min(first_body + 3, len(lines))):
        ws = set(words(lines[i].text))
        if (
            out[i] == "body"
            and _short_head(lines[i].text)
            and len(ws & title_words) >= 0.6 * len(ws)
        ):
            out[i] = "title"
            break
    return out


_TITLE_TAG = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


def html_title_of(path: Path) -> str | None:
    """The <title> of an HTML file, read cheaply (for labelling its text scrape)."""
    m = _TITLE_TAG.search(path.read_bytes()[:200_000])
    if not m:
        return None
    from html import unescape

    return unescape(m.group(1).decode("utf-8", "replace")).strip() or None


def l3s_line_labels(page: CorpusPage) -> list[tuple[str, str]]:
    """(label, text) rows of L3S's own per-line labels for the annotated page."""
    rows = []
    path = page.folder / f"{page.id}.lines.tsv"
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        next(fh, None)
        for raw in fh:
            code, _, text = raw.rstrip("\n").partition("\t")
            if text.strip():
                rows.append((L3S_LABELS.get(code, "boilerplate"), text))
    return rows


def gold_headline(page: CorpusPage) -> str | None:
    """The page's headline as its annotators marked it: the first line L3S labels headline
    (a second one is the deck); None for corpora without headline labels."""
    if page.corpus != "l3s-gn1":
        return None
    return next((text for label, text in l3s_line_labels(page) if label == "title"), None)


# A comment's header line: a name and a timestamp ("Kate on October 23rd, 2012 1:38 pm",
# "by SteveG on April 16, 2012 at 4:56 am"), or "<name> says:".
_COMMENT_STAMP = re.compile(
    r"(?=.*\b\d{1,2}:\d\d\b)(?=.*(?:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? "
    r"\d|\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b))|\bsays:$",
    re.I,
)
COMMENT_STAMPS_IN_GOLD = 5


def gold_keeps_comments(texts: list[str], labels: list[str]) -> bool:
    """Whether the gold text of a page kept its reader comments as article text: at least
    COMMENT_STAMPS_IN_GOLD short kept lines look like a comment's name-and-timestamp header.
    Some Dragnet annotators kept whole comment threads without the corpus's comments marker; the
    project's convention is that comments are boilerplate, so training skips such pages (they
    would teach the opposite). Scoring still uses every test page's gold as it is."""
    stamps = 0
    for text, label in zip(texts, labels, strict=True):
        if label != "boilerplate" and len(text.split()) <= 14 and _COMMENT_STAMP.search(text):
            stamps += 1
            if stamps >= COMMENT_STAMPS_IN_GOLD:
                return True
    return False
