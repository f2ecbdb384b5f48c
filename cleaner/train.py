"""Train the line model (needs scikit-learn; inference does not).

Training data, in order of trust:
1. the project's labelled documents (labelled/**/*.tsv; 5 labels, hand-checked; weighted up),
2. L3S-GN1's own per-line labels (text model), 3. lines labelled from gold article text by
alignment (Dragnet text and HTML, L3S HTML). Corpus pages of the held-out split (grouped by site,
see corpora.site_split) are never read here.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .article import LABELS, Line
from .clean import initial_labels
from .corpora import (
    CorpusPage,
    gold_keeps_comments,
    html_title_of,
    iter_pages,
    l3s_line_labels,
    labels_from_gold,
    mark_title,
)
from .features import LINE_FEATURES, line_features, pass2_inputs
from .headline import HeadlineRanker, fit_ranker
from .label_rules import LABEL_RULES, refine_labels
from .labelled import LabelledDoc, read_labelled
from .lexical import LexicalScorer, Vocabulary, lexical_columns, markup_text
from .lines import Page, html_to_page, text_to_page
from .model import Ensemble, LineModel, Network, revised
from .sources import InputError, decode_bytes
from .workers import start_worker

LABEL_INDEX = {lab: i for i, lab in enumerate(LABELS)}
_WORDS_COL = LINE_FEATURES.index("words")
MODEL_VERSION = "0.9.0"  # bumped when a model's features or training labels change
LABELLED_WEIGHT = 25.0
"""Hand-labelled lines count this many times a corpus line (they are few, and exact)."""
MAX_LINES_PER_PAGE = 160
"""Longer pages (mostly comment threads and link farms) contribute a weighted sample of their
boilerplate lines: it keeps training time in check without changing what a page weighs."""


@dataclass(slots=True)
class Examples:
    X: list[np.ndarray]
    y: list[np.ndarray]
    w: list[np.ndarray]
    groups: list[str]  # one per page: the site, for grouped folds
    texts: list[list[str]] = field(default_factory=list)  # one per page: its lines
    markups: list[list[str]] = field(default_factory=list)  # one per page: markup_text a line
    docs: list[str] = field(default_factory=list)  # one per page: the document it came from
    doms: list[tuple] = field(default_factory=list)  # one per page: Page.dom_index()

    def add(
        self,
        page: Page,
        labels: list[str],
        group: str,
        weight: float = 1.0,
        doc: str | None = None,
    ) -> None:
        """Features of a whole page (context needs all its lines); on long pages only a seeded
        sample of the boilerplate lines is kept for fitting, weighted up to stand for the rest.
        `doc` names the document (a labelled page and its cleaned copy share one), the fold
        group when all pages come from one site; by default each page is its own."""
        if not page.lines:
            return
        X = line_features(page)
        y = np.array([LABEL_INDEX[lab] for lab in labels], dtype=np.int64)
        nwords = np.expm1(X[:, _WORDS_COL])  # the column holds log1p(words)
        w = weight * (1.0 + np.log1p(nwords)).astype(np.float32)
        boiler = np.flatnonzero(y == LABEL_INDEX["boilerplate"])
        room = MAX_LINES_PER_PAGE - (len(y) - len(boiler))
        if len(y) > MAX_LINES_PER_PAGE and 0 < len(boiler) and room < len(boiler):
            room = min(max(room, MAX_LINES_PER_PAGE // 3), len(boiler))
            rng = np.random.default_rng(len(self.y))
            kept = rng.choice(boiler, size=room, replace=False)
            scale = len(boiler) / room
            w[boiler] = 0.0  # weight 0 = not fitted on; the row stays for its neighbours' sake
            w[kept] = weight * (1.0 + np.log1p(nwords[kept])) * scale
        self.X.append(X)
        self.y.append(y)
        self.w.append(w)
        self.groups.append(group)
        self.texts.append([ln.text for ln in page.lines])
        self.markups.append([markup_text(ln.dom) for ln in page.lines])
        self.docs.append(doc if doc is not None else f"page {len(self.docs)}")
        self.doms.append(page.dom_index())

    def page_rows(self) -> list[slice]:
        """Each page's rows in the stacked arrays."""
        ends = np.cumsum([len(y) for y in self.y]).tolist()
        return [slice(end - len(y), end) for end, y in zip(ends, self.y, strict=True)]

    def stacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """All lines of all pages (rows with weight 0 are context only, never fitted on)."""
        sizes = [len(y) for y in self.y]
        g = np.repeat(np.arange(len(sizes)), sizes)
        return np.vstack(self.X), np.concatenate(self.y), np.concatenate(self.w), g


# --- corpus labels (cached: aligning gold text is the slow part) --------------------------------


def _label_page(
    args: tuple[CorpusPage, str],
) -> tuple[str, str, list[str], list[str], str] | None:
    page, kind = args
    gold = page.gold()
    extras = page.gold_with_extras() if page.corpus == "l3s-gn1" else None
    if kind == "html":
        parsed = html_to_page(corpus_html(page))
    else:
        parsed = text_to_page(page.text_path.read_text(encoding="utf-8", errors="replace"))
    if not parsed.lines or not gold.strip():
        return None
    labels = labels_from_gold(parsed.lines, gold, extras, parsed.html_title)
    return page.id, kind, [ln.text for ln in parsed.lines], labels, gold


def corpus_html(page: CorpusPage) -> str:
    """A corpus page's HTML decoded as `clean()` decodes bytes (sources.decode_bytes), so the
    networks learn from the text they will be given. Handed the bytes, libxml2 would follow a
    page's `<meta charset>` or guess: 208 of the 2,002 corpus pages (172 of L3S's 621) were
    re-saved as UTF-8 and came out as "Kosovoâs" ("Kosovo’s") that way."""
    try:
        return decode_bytes(page.html_path.read_bytes())[0]
    except InputError as exc:  # binary, or bytes no encoding reads: say which page
        raise InputError(f"{page.html_path}: {exc}") from exc


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def corpus_labels(
    corpus: str,
    kind: str,
    cache_dir: Path,
    workers: int = 2,
    shared: Path | None = None,
    split: str = "fit",
) -> dict[str, list[str]]:
    """{page id: line labels} for a split, cached in cache_dir keyed by the line texts."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"labels-{corpus}-{kind}.json"
    cached: dict = json.loads(path.read_text()) if path.exists() else {}
    pages = [p for p in iter_pages(corpus, split, shared) if p.id not in cached]
    if pages:
        # Workers restore SIGTERM's default (workers.start_worker): forked from the CLI they
        # inherit its handler, and a terminated `cleaner train` would leave them labelling.
        with ProcessPoolExecutor(
            max_workers=workers, initializer=start_worker, initargs=(None, ())
        ) as pool:
            for result in pool.map(_label_page, [(p, kind) for p in pages], chunksize=8):
                if result is None:
                    continue
                pid, _, texts, labels, gold = result
                cached[pid] = {
                    "lines": _digest("\n".join(texts)),
                    "gold": _digest(gold),
                    "labels": labels,
                }
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(cached, sort_keys=True))
        tmp.replace(path)  # atomic: a concurrent run never reads half a file
    return cached


def corpus_examples(
    corpus: str,
    kind: str,
    cache_dir: Path,
    ex: Examples,
    shared: Path | None = None,
    split: str = "fit",
    skipped: list[str] | None = None,
) -> int:
    """Add a corpus's pages of one split; pages whose gold kept the reader comments are left
    out (their ids go to `skipped`), see corpora.gold_keeps_comments."""
    cached = corpus_labels(corpus, kind, cache_dir, shared=shared, split=split)
    n = 0
    for page in iter_pages(corpus, split, shared):
        entry = cached.get(page.id)
        if entry is None:
            continue
        if kind == "html":
            parsed = html_to_page(corpus_html(page))
        else:
            parsed = text_to_page(page.text_path.read_text(encoding="utf-8", errors="replace"))
        texts = [ln.text for ln in parsed.lines]
        labels = entry["labels"]
        stale = _digest("\n".join(texts)) != entry["lines"] or (
            "gold" in entry and entry["gold"] != _digest(page.gold())
        )
        if stale:
            # rendering or gold reading changed since the cache was made: label afresh
            fresh = _label_page((page, kind))
            if fresh is None:
                continue
            labels = fresh[3]
        if gold_keeps_comments(texts, labels):
            if skipped is not None:
                skipped.append(page.id)
            continue
        title = parsed.html_title if kind == "html" else html_title_of(page.html_path)
        labels = mark_title(parsed.lines, labels, title)
        labels = refine_labels(corpus, texts, labels, aligned=True, html_title=title)
        ex.add(parsed, labels, page.site)
        n += 1
    return n


def _read_corpora(sources: dict[str, dict[str, int]]) -> bool:
    """Whether any network learnt from a corpus (not only the labelled documents)."""
    return any(not name.startswith("labelled") for counts in sources.values() for name in counts)


def l3s_line_examples(ex: Examples, shared: Path | None = None, split: str = "fit") -> int:
    n = 0
    for page in iter_pages("l3s-gn1", split, shared):
        rows = l3s_line_labels(page)
        if not rows:
            continue
        texts = [t for _, t in rows]
        labels = refine_labels("l3s-gn1", texts, [lab for lab, _ in rows])
        ex.add(Page(lines=[Line(text=t, index=i) for i, t in enumerate(texts)]), labels, page.site)
        n += 1
    return n


def _page_of(rows: list[tuple[str, str, bool]]) -> tuple[Page, list[str]]:
    lines = [Line(text=t, index=i, blank_before=b) for i, (_, t, b) in enumerate(rows)]
    return Page(lines=lines), [lab for lab, _, _ in rows]


_PLAIN_TAG = {"title": "h1", "byline": "p", "body": "p", "caption": "figcaption"}


def _plain_html_page(rows: list[tuple[str, str, bool]]) -> tuple[Page, list[str]] | None:
    """Labelled lines as plain HTML, a block a line with no class or id: the shape of an
    article another tool already extracted, or of a text scrape wrapped in <p>s. None when the
    rendering does not give back one line a row (its spaces may be normalised: a no-break
    space becomes a space)."""
    blocks = []
    for label, text, _ in rows:
        tag = _PLAIN_TAG.get(label, "p")
        blocks.append(f"<{tag}>{html.escape(text)}</{tag}>")
    page = html_to_page(f"<html><body>{''.join(blocks)}</body></html>")
    if len(page.lines) != len(rows):
        return None
    return page, [label for label, _, _ in rows]


def labelled_examples(folders: Iterable[Path], ex: Examples, kind: str = "text") -> int:
    """Each labelled page, and the same page already cleaned (its kept lines only): text that
    is already an article must come through whole, and the corpora have few such pages. For
    HTML the two are rendered as plain HTML (_plain_html_page): the corpora's HTML pages are
    whole pages with their markup, so without these a bare page of <p>s, even a one-paragraph
    article, looked like nothing the HTML networks had seen, and came out empty."""
    n = 0
    for _, doc in training_documents(folders):
        rows = [(ln.label, ln.text, ln.blank_before) for ln in doc.lines]
        kept = [r for r in rows if r[0] != "boilerplate"]
        variants = [rows, kept] if kept and len(kept) < len(rows) else [rows]
        for variant in variants:
            page = _page_of(variant) if kind == "text" else _plain_html_page(variant)
            if page is not None:
                ex.add(*page, doc.site, LABELLED_WEIGHT, doc=doc.name)
        n += 1
    return n


def _documents(folders: Iterable[Path]) -> Iterator[tuple[Path, LabelledDoc | None]]:
    """(folder, document) for every `*.tsv` below each folder in sorted order; a file already
    read through another folder given (the same folder twice, or one inside another) comes
    as (folder, None), so no page is learnt twice."""
    seen: set[Path] = set()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.tsv")):
            real = path.resolve()
            if real in seen:
                yield folder, None
                continue
            seen.add(real)
            yield folder, read_labelled(path)


def training_documents(folders: Iterable[Path]) -> Iterator[tuple[Path, LabelledDoc]]:
    """The documents training reads: `# split: train` (the default), each file once."""
    for folder, doc in _documents(folders):
        if doc is not None and doc.meta.get("split", "train") == "train":
            yield folder, doc


NOT_STATED = "not stated"


def labelled_record(folders: Iterable[Path], log=print) -> dict[str, dict]:
    """{folder as given: {"documents": n, "licences": {licence header: documents}}} for the
    model card, so it says which data, under which licences, the model learnt from. Logs the
    documents left out (split test, or already read through another folder)."""
    folders = list(folders)
    record = {str(f): {"documents": 0, "licences": Counter()} for f in folders}
    left_out: Counter[tuple[str, str]] = Counter()
    for folder, doc in _documents(folders):
        entry = record[str(folder)]
        if doc is None:
            left_out[(str(folder), "already read through another folder given; read once")] += 1
        elif doc.meta.get("split", "train") != "train":
            left_out[(str(folder), "marked '# split: test'; left out of training")] += 1
        else:
            entry["documents"] += 1
            entry["licences"][doc.meta.get("licence") or NOT_STATED] += 1
    for (folder, why), n in left_out.items():
        log(f"{folder}: {n} document{'s' if n != 1 else ''} {why}")
    for entry in record.values():
        entry["licences"] = dict(sorted(entry["licences"].items(), key=lambda kv: (-kv[1], kv[0])))
    return record


# --- fitting -------------------------------------------------------------------------------------


@dataclass(slots=True)
class TrainConfig:
    hidden: tuple[int, ...] = (64, 32)
    pass2_hidden: tuple[int, ...] = (16,)
    alpha: float = 1e-3
    max_iter: int = 60
    folds: int = 2
    ensemble: int = 3  # networks per pass, from seeds seed .. seed + ensemble - 1
    split: str = "fit"  # corpus pages to learn from: "fit" = all but test; "train" = without dev
    seed: int = 0
    lexical_c: float = 0.3  # inverse L2 strength of the word model (see cleaner.lexical)
    lexical_min_lines: int = 5  # a term must occur on this many training lines
    lexical_folds: int = 5
    word_model_kinds: tuple[str, ...] = ("text",)  # HTML: no gain on the dev sites, and slower
    markup_model_kinds: tuple[str, ...] = ("html",)  # text lines have no markup
    # HTML pass 2's DOM groupings (features.DOM_GROUPINGS): dev F1 up on both corpora (0.9.0)
    dom_groups: tuple[str, ...] = ("path_attrs", "path")


def _fit_network(
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    cfg: TrainConfig,
    hidden: tuple[int, ...],
    seed: int | None = None,
) -> Network:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X)
    clf = MLPClassifier(
        hidden_layer_sizes=hidden,
        alpha=cfg.alpha,
        max_iter=cfg.max_iter,
        batch_size=min(512, len(X)),  # sklearn clips it so too, with a warning
        random_state=cfg.seed if seed is None else seed,
        early_stopping=False,
        n_iter_no_change=6,
        tol=1e-4,
    )
    with warnings.catch_warnings():
        # max_iter is a deliberate budget, not a failure to converge worth a warning per fit
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(scaler.transform(X), y, sample_weight=w)
    weights = [c.astype(np.float32) for c in clf.coefs_]
    biases = [b.astype(np.float32) for b in clf.intercepts_]
    if len(clf.classes_) != len(LABELS):
        weights[-1], biases[-1] = _softmax_over_labels(weights[-1], biases[-1], clf.classes_)
    scale = scaler.scale_.astype(np.float32)
    scale[scale == 0] = 1.0
    return Network(scaler.mean_.astype(np.float32), scale, weights, biases)


def _softmax_over_labels(
    w: np.ndarray, b: np.ndarray, classes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The output layer of a network fitted on fewer labels than LABELS, as the softmax over
    all of them that the model format runs: labels missing from the training data get a logit
    of -30 (never predicted). With two labels sklearn fits one logistic unit z, the same as a
    softmax over (0, z); with one label the network always gives it."""
    full_w = np.zeros((w.shape[0], len(LABELS)), dtype=np.float32)
    full_b = np.full(len(LABELS), -30.0, dtype=np.float32)
    if len(classes) == 1:
        full_b[classes[0]] = 0.0
    elif len(classes) == 2:
        full_b[classes[0]] = 0.0
        full_w[:, classes[1]], full_b[classes[1]] = w[:, 0], b[0]
    else:
        full_w[:, classes], full_b[classes] = w, b
    return full_w, full_b


def _fit_words(A, y: np.ndarray, w: np.ndarray, cfg: TrainConfig):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=cfg.lexical_c, max_iter=300)
    with warnings.catch_warnings():
        from sklearn.exceptions import ConvergenceWarning

        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(A, y, sample_weight=w)
    return clf


def _word_probs(clf, A) -> np.ndarray:
    out = np.zeros((A.shape[0], len(LABELS)), dtype=np.float32)
    out[:, clf.classes_] = clf.predict_proba(A)
    return out


def fold_groups(ex: Examples, log=print) -> np.ndarray:
    """The group of each line for out-of-fold scores: its site, so that the scores are like
    those on a site never seen. With one site only (pages from one outlet) no site can be held
    out: the document, then (one document) the first or second half of each page, is the best
    there is; the log says so."""
    sizes = [len(y) for y in ex.y]
    page_of = np.repeat(np.arange(len(sizes)), sizes)
    unit = fold_unit(ex)
    if unit == "site":
        return np.array(ex.groups)[page_of]
    if unit == "document":
        log("  one site only: out-of-fold scores held out by document instead")
        return np.array(ex.docs)[page_of]
    log("  one document only: out-of-fold scores held out by half page instead")
    return np.concatenate([np.arange(n) * 2 // n for n in sizes])


def fold_unit(ex: Examples) -> str:
    """What fold_groups holds out: "site", else "document", else "half page"."""
    if len(set(ex.groups)) >= 2:
        return "site"
    return "document" if len(set(ex.docs)) >= 2 else "half page"


def fit_lexical(
    ex: Examples,
    cfg: TrainConfig,
    log=print,
    *,
    markup: bool = False,
    groups: np.ndarray | None = None,
) -> tuple[np.ndarray, LexicalScorer] | None:
    """The word model (cleaner.lexical) and its pass-1 columns for every training line; with
    `markup`, the markup model, the same regression over the lines' markup_text. The columns
    are made out-of-fold, grouped by site (`groups`, see fold_groups): pass 1 must learn how far
    word scores hold on a site the word model never saw, not on lines it was fitted on.
    None when no term is on enough lines (a tiny training set): there is nothing to learn."""
    from scipy.sparse import csr_matrix
    from sklearn.model_selection import GroupKFold

    t = time.perf_counter()
    _, y, w, _ = ex.stacked()
    texts = [text for page in (ex.markups if markup else ex.texts) for text in page]
    groups = fold_groups(ex, log) if groups is None else groups
    fit_rows = w > 0
    vocab = Vocabulary.build([texts[i] for i in np.flatnonzero(fit_rows)], cfg.lexical_min_lines)
    what = "markup model" if markup else "word model"
    if not vocab.size:
        log(f"  {what}: no term on {cfg.lexical_min_lines} training lines; left out")
        return None
    line, term = vocab.line_terms(texts)
    A = csr_matrix(
        (np.ones(len(line), dtype=np.float64), (line, term)), shape=(len(texts), vocab.size)
    )
    probs = np.zeros((len(y), len(LABELS)), dtype=np.float32)
    folds = min(cfg.lexical_folds, len(np.unique(groups)))
    in_sample = np.ones(len(y), dtype=bool) if folds < 2 else np.zeros(len(y), dtype=bool)
    if folds >= 2:
        for tr, te in GroupKFold(n_splits=folds).split(A, y, groups):
            tr = tr[fit_rows[tr]]
            if len(np.unique(y[tr])) < 2:  # one label left to learn from (a tiny folder)
                in_sample[te] = True
                continue
            probs[te] = _word_probs(_fit_words(A[tr], y[tr], w[tr], cfg), A[te])
    clf = _fit_words(A[fit_rows], y[fit_rows], w[fit_rows], cfg)
    if in_sample.any():  # one group, or a fold with one label: in-sample scores, the best there is
        probs[in_sample] = _word_probs(clf, A[in_sample])
    weights = np.zeros((vocab.size, len(LABELS)), dtype=np.float32)
    bias = np.full(len(LABELS), -30.0, dtype=np.float32)  # a label never seen: never predicted
    if len(clf.classes_) == 2:  # binary: p = sigmoid(z), the same as a softmax over (0, z)
        weights[:, clf.classes_[1]] = clf.coef_[0]
        bias[clf.classes_] = (0.0, clf.intercept_[0])
    else:
        weights[:, clf.classes_] = clf.coef_.T
        bias[clf.classes_] = clf.intercept_
    columns = np.vstack([lexical_columns(probs[rows]) for rows in ex.page_rows()])
    log(f"  {what}: {vocab.size} terms, {folds} folds, {time.perf_counter() - t:.0f}s")
    return columns, LexicalScorer(vocab, weights, bias)


@dataclass(slots=True)
class TwoPass:
    """What fit_two_pass makes for one input kind."""

    pass1: Ensemble
    pass2: Ensemble
    words: LexicalScorer | None = None
    markup: LexicalScorer | None = None
    headline: HeadlineRanker | None = None


def fit_two_pass(
    ex: Examples,
    cfg: TrainConfig,
    log=print,
    *,
    word_model: bool = False,
    markup_model: bool = False,
    dom_groups: tuple[str, ...] = (),
) -> TwoPass:
    """The word model and the markup model (when asked for); pass 1 on all lines (with their
    out-of-fold scores, in the order of LineModel.pass1_columns); pass 2 on pass-1 scores made
    out-of-fold (grouped by site), so the context pass learns from scores like those it will
    see on unseen pages."""
    from sklearn.model_selection import GroupKFold

    X, y, w, _ = ex.stacked()
    groups = fold_groups(ex, log)
    words = markup = None
    if word_model and (fitted := fit_lexical(ex, cfg, log, groups=groups)):
        columns, words = fitted
        X = np.hstack([X, columns])
    if markup_model and (fitted := fit_lexical(ex, cfg, log, markup=True, groups=groups)):
        columns, markup = fitted
        X = np.hstack([X, columns])
    fit_rows = w > 0
    p1_oof = np.zeros((len(y), len(LABELS)), dtype=np.float32)
    folds = min(cfg.folds, len(np.unique(groups)))
    splits = GroupKFold(n_splits=folds).split(X, y, groups) if folds >= 2 else []
    for k, (tr, te) in enumerate(splits):
        t = time.perf_counter()
        tr = tr[fit_rows[tr]]
        net = _fit_network(X[tr], y[tr], w[tr], cfg, cfg.hidden)
        p1_oof[te] = net.predict_proba(X[te])
        log(f"  fold {k + 1}/{folds}: {len(tr)} lines, {time.perf_counter() - t:.0f}s")
    if folds < 2:  # a one-line page: nothing to hold out, in-sample scores
        net = _fit_network(X[fit_rows], y[fit_rows], w[fit_rows], cfg, cfg.hidden)
        p1_oof = net.predict_proba(X)
    R = np.vstack(
        [
            pass2_inputs(X[rows], p1_oof[rows], dom, dom_groups)
            for rows, dom in zip(ex.page_rows(), ex.doms, strict=True)
        ]
    )
    t = time.perf_counter()
    seeds = range(cfg.seed, cfg.seed + cfg.ensemble)
    Xf, Rf, yf, wf = X[fit_rows], R[fit_rows], y[fit_rows], w[fit_rows]
    pass1 = Ensemble([_fit_network(Xf, yf, wf, cfg, cfg.hidden, s) for s in seeds])
    pass2 = Ensemble([_fit_network(Rf, yf, wf, cfg, cfg.pass2_hidden, s) for s in seeds])
    log(f"  final passes: {time.perf_counter() - t:.0f}s")
    ranker = fit_headline_ranker(ex, X, p1_oof, revised(X, p1_oof, pass2.predict_proba(R)))
    log(f"  headline ranker: {'fitted' if ranker else 'none (no page marks a headline)'}")
    return TwoPass(pass1, pass2, words, markup, ranker)


def fit_headline_ranker(
    ex: Examples, X: np.ndarray, p1: np.ndarray, p2: np.ndarray
) -> HeadlineRanker | None:
    """The headline ranker, from every page whose labels mark a headline (its first title
    line), with scores like those it will see: pass 1 out-of-fold, pass 2 on those."""
    title = LABEL_INDEX["title"]

    def pages():
        for rows, y, texts in zip(ex.page_rows(), ex.y, ex.texts, strict=True):
            marked = np.flatnonzero(y == title)
            if len(marked):
                labels = initial_labels(p2[rows], texts)
                yield texts, labels, p1[rows], p2[rows], int(marked[0])

    return fit_ranker(pages())


def train_model(
    labelled_dirs: list[Path],
    *,
    shared: Path | None,
    cache_dir: Path,
    kinds: tuple[str, ...] = ("text", "html"),
    cfg: TrainConfig | None = None,
    log=print,
) -> LineModel:
    cfg = cfg or TrainConfig()
    networks: dict[str, Ensemble] = {}
    lexical: dict[str, LexicalScorer] = {}
    markup: dict[str, LexicalScorer] = {}
    headline: dict[str, HeadlineRanker] = {}
    sources: dict[str, dict[str, int]] = {}
    skipped: dict[str, list[str]] = {}
    use_corpora = shared is not None and (shared / "corpora").is_dir()
    record = labelled_record(labelled_dirs, log)
    held_out_by: dict[str, str] = {}  # kind -> what out-of-fold scores held out (fold_unit)
    dom_groups: dict[str, tuple[str, ...]] = {}
    for kind in kinds:
        ex = Examples([], [], [], [])
        counts: dict[str, int] = {}
        groupings = tuple(cfg.dom_groups) if kind == "html" else ()  # text lines have no DOM
        if kind == "text":
            counts["labelled"] = labelled_examples(labelled_dirs, ex)
            if use_corpora:
                counts["l3s-gn1 lines"] = l3s_line_examples(ex, shared, cfg.split)
                counts["dragnet text"] = corpus_examples(
                    "dragnet",
                    "text",
                    cache_dir,
                    ex,
                    shared,
                    cfg.split,
                    skipped.setdefault("dragnet text", []),
                )
        elif use_corpora:  # without them an HTML page is read by the text networks
            counts["labelled, as plain HTML"] = labelled_examples(labelled_dirs, ex, "html")
            for corpus in ("dragnet", "l3s-gn1"):
                counts[f"{corpus} html"] = corpus_examples(
                    corpus,
                    "html",
                    cache_dir,
                    ex,
                    shared,
                    cfg.split,
                    skipped.setdefault(f"{corpus} html", []),
                )
        if not ex.y:
            log(f"{kind}: no training pages; skipped")
            continue
        log(f"{kind}: {sum(len(y) for y in ex.y)} lines from {counts}")
        _check_labels(ex, kind)
        fitted = fit_two_pass(
            ex,
            cfg,
            log,
            word_model=kind in cfg.word_model_kinds,
            markup_model=kind in cfg.markup_model_kinds,
            dom_groups=groupings,
        )
        held_out_by[kind] = fold_unit(ex)
        networks[f"{kind}/pass1"], networks[f"{kind}/pass2"] = fitted.pass1, fitted.pass2
        if fitted.words is not None:
            lexical[kind] = fitted.words
        if fitted.markup is not None:
            markup[kind] = fitted.markup
        if fitted.headline is not None:
            headline[kind] = fitted.headline
        if groupings:
            dom_groups[kind] = groupings
        sources[kind] = counts
    if not networks:
        raise ValueError("no training data: give labelled documents or ../shared/corpora")
    card = _card(cfg, sources, skipped, record)
    if set(held_out_by.values()) != {"site"}:  # a one-site folder: the card says what instead
        card["training"]["held_out_by"] = held_out_by
    return LineModel(
        networks=networks,
        card=card,
        lexical=lexical,
        markup=markup,
        headline=headline,
        dom_groups=dom_groups,
    )


def keep_kinds(model: LineModel, base: LineModel, base_name: str) -> LineModel:
    """`model` with the input kinds it was not trained for taken from `base`: their networks
    and word, markup and headline models, and on the card the pages they learnt from and where
    they came from (`training.kept`). For a change that concerns one kind (how HTML is read, a
    markup feature): retraining the other kind would only draw new weights, with no method
    behind the change (see README, on the seed noise)."""
    kept = [kind for kind in ("text", "html") if base.has(kind) and not model.has(kind)]
    if not kept:
        raise ValueError(f"{base_name} has no networks of a kind this run did not train")
    training = model.card["training"]
    base_training = base.card.get("training", {})
    for kind in kept:
        for name in (f"{kind}/pass1", f"{kind}/pass2"):
            model.networks[name] = base.networks[name]
        for table in ("lexical", "markup", "headline", "dom_groups"):
            if kind in getattr(base, table):
                getattr(model, table)[kind] = getattr(base, table)[kind]
        training["pages"][kind] = base_training.get("pages", {}).get(kind, {})
        for name, ids in base_training.get("skipped_gold_keeps_comments", {}).items():
            if name.endswith(f" {kind}"):
                training["skipped_gold_keeps_comments"][name] = ids
    earlier = base_training.get("kept") or {}
    if set(kept) <= set(earlier.get("kinds", [])):
        # base kept these kinds itself: where they were trained is what the card must say
        training["kept"] = {**earlier, "kinds": kept, "via": base.card.get("version")}
    else:
        training["kept"] = {
            "kinds": kept,
            "from": base_name,
            "version": base.card.get("version"),
            "weights_sha256": base.card.get("weights_sha256"),
            "command": base_training.get("command"),
            "config": base_training.get("config"),
            "environment": base_training.get("environment"),
        }
    licences = model.card["data_licences"] + base.card.get("data_licences", [])
    model.card["data_licences"] = list(dict.fromkeys(licences))
    return model


def _check_labels(ex: Examples, kind: str) -> None:
    """Training needs lines of two labels at least (body and boilerplate will do); with one
    there is nothing to tell apart, and the fitting libraries fail obscurely."""
    seen = np.unique(np.concatenate(ex.y))
    if len(seen) < 2:
        raise ValueError(
            f"{kind}: every training line is labelled {LABELS[seen[0]]}; training needs lines "
            "of two labels at least (e.g. body and boilerplate)"
        )


def _card(
    cfg: TrainConfig,
    sources: dict[str, dict[str, int]],
    skipped: dict[str, list[str]],
    record: dict[str, dict],
) -> dict:
    """The model card as training knows it: the data read, its licences, the configuration."""
    return {
        "version": MODEL_VERSION,
        "data_licences": data_licences(record, sources),
        "training": {
            "pages": sources,
            "labelled_folders": record,
            "skipped_gold_keeps_comments": {k: sorted(v) for k, v in skipped.items() if v},
            "label_rules": LABEL_RULES if _read_corpora(sources) else "",
            "config": {
                "hidden": list(cfg.hidden),
                "pass2_hidden": list(cfg.pass2_hidden),
                "alpha": cfg.alpha,
                "max_iter": cfg.max_iter,
                "folds": cfg.folds,
                "ensemble": cfg.ensemble,
                "split": cfg.split,
                "seed": cfg.seed,
                "lexical_c": cfg.lexical_c,
                "lexical_min_lines": cfg.lexical_min_lines,
                "lexical_folds": cfg.lexical_folds,
                "word_model_kinds": list(cfg.word_model_kinds),
                "markup_model_kinds": list(cfg.markup_model_kinds),
                **({"dom_groups": list(cfg.dom_groups)} if cfg.dom_groups else {}),
            },
            "environment": training_environment(),
        },
    }


def training_environment() -> dict:
    """What the weights depend on besides the data and the configuration. Training is
    deterministic on one machine, but OpenBLAS picks its kernels for the CPU, and so does numpy
    for its own loops (AVX2 or AVX-512), and each rounds differently: the same command on
    another CPU trains other (equally good) weights, a draw within the seed noise. So may the
    number of threads, which `cleaner train` holds at one (batch.one_blas_thread). The card
    records all three so that a retrain can be matched."""
    import platform

    import sklearn
    from threadpoolctl import threadpool_info

    pools = threadpool_info()
    blas = sorted(
        f"{info.get('internal_api')} {info.get('version')} {info.get('architecture')}"
        for info in pools
        if info.get("user_api") == "blas"
    )
    return {
        # a BLAS may split its sums by thread: `cleaner train` runs every pool on one
        "threads": max((info.get("num_threads", 1) for info in pools), default=1),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_simd": _numpy_simd(),
        "scikit-learn": sklearn.__version__,
        "blas": blas,
        "machine": platform.machine(),
    }


def _numpy_simd() -> str:
    """numpy's SIMD targets in use on this CPU ("" when numpy does not say)."""
    import importlib

    for name in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):  # 2.x, 1.x
        try:
            umath = importlib.import_module(name)
            dispatch, features = umath.__cpu_dispatch__, umath.__cpu_features__
        except (ImportError, AttributeError):  # a numpy without these (private) names
            continue
        return " ".join(t for t in dispatch if features.get(t))
    return ""


PROJECT_LABELLED = Path(__file__).resolve().parents[1] / "labelled"
_PROJECT_LICENCES = frozenset(
    {"written by the cleaner team, CC0", "user-provided example, may be copied"}
)
_PROJECT_NOTE = (
    "labelled/: documents written by the cleaner team (CC0) and the five seed scrapes "
    "the user provided as their example (may be copied)"
)
_CORPUS_LICENCES = (
    (
        "dragnet",
        "Dragnet (Moz, 2012; 1,381 news/blog pages): data under AGPLv3. Only weights are "
        "shipped, no page text",
    ),
    (
        "l3s-gn1",
        "L3S-GN1 (Kohlschütter et al., WSDM 2010; 621 Google News pages): research use only. "
        "Only weights are shipped; treat the model as research-use where that licence binds",
    ),
)


def data_licences(record: dict[str, dict], sources: dict[str, dict[str, int]]) -> list[str]:
    """The data the model learnt from and its licences, for the card: each labelled folder read
    (the licences its documents' headers declare), then each corpus read, and nothing else."""
    out = [_folder_licences(f, entry) for f, entry in record.items() if entry["documents"]]
    read = {name.split()[0] for counts in sources.values() for name, n in counts.items() if n}
    return out + [note for corpus, note in _CORPUS_LICENCES if corpus in read]


def _folder_licences(folder: str, entry: dict) -> str:
    """One labelled folder's line; the project's own labelled/ keeps its fixed wording while
    it holds only the project's documents."""
    if Path(folder).resolve() == PROJECT_LABELLED and set(entry["licences"]) <= _PROJECT_LICENCES:
        return _PROJECT_NOTE
    n = entry["documents"]
    licences = "; ".join(f"{lic} ({k})" for lic, k in entry["licences"].items())
    return (
        f"{folder}: {n} labelled document{'s' if n != 1 else ''}, under the licences their "
        f"headers state: {licences}"
    )
