"""LineModel: the shipped line classifier as data (JSON card + npz weights), run with numpy only.

A model holds one network per input kind ("text", "html"), each in two passes: pass 1 scores a
line from its own and its neighbours' features; pass 2 revises the scores from the pass-1 scores
of the surrounding lines (jusText's idea, learned instead of hand-set). Loading verifies the
weights' sha256 and that the feature names match this version of the code; nothing in a model
file is ever executed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .article import LABELS
from .evaluate import TITLE_MATCH
from .features import (
    DOM_GROUPINGS,
    LINE_FEATURES,
    REVISION_FEATURES,
    dom_group_names,
    pass2_inputs,
)
from .headline import HEADLINE_FEATURES, HeadlineRanker
from .lexical import (
    LEXICAL_FEATURES,
    MARKUP_FEATURES,
    LexicalScorer,
    Vocabulary,
    softmax_rows,
)
from .lines import Page
from .resources import shipped_model_path

MODEL_FORMAT = "cleaner-line-model/1"
DEFAULT_MODEL_DIR = shipped_model_path("line-model")


class ModelError(RuntimeError):
    """A model directory that is missing, altered, or made for other features."""


class NotAModelFolder(ModelError):
    """A path to a file that is not in a model folder."""


def model_folder_of(path: str | os.PathLike) -> str:
    """The model folder `path` names: itself, or, for a file in one (model.json, weights.npz:
    what people paste), that folder."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        return path
    folder = os.path.dirname(path) or "."
    if not os.path.isfile(os.path.join(folder, "model.json")):
        raise NotAModelFolder(
            f"cannot load {path}: a file, not a model folder (give the folder that holds "
            "model.json)"
        )
    return folder


@dataclass(slots=True)
class Network:
    """Standardise, then dense layers with ReLU, then softmax over LABELS."""

    mean: np.ndarray
    scale: np.ndarray
    weights: list[np.ndarray]
    biases: list[np.ndarray]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        h = (X - self.mean) / self.scale
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = h @ w + b
            if i < last:
                np.maximum(h, 0.0, out=h)
        h -= h.max(axis=1, keepdims=True)
        np.exp(h, out=h)
        h /= h.sum(axis=1, keepdims=True)
        return h


@dataclass(slots=True)
class Ensemble:
    """Networks trained alike from different seeds; their probabilities are averaged, which
    steadies the labels of borderline lines from one training run to the next.

    Run as one fused network (see _FusedLayers): a page is a few hundred rows, so the cost of
    many small numpy calls, not arithmetic, dominates; fusing halves it."""

    members: list[Network]
    _fused: _FusedLayers | None = field(default=None, repr=False, compare=False)
    _known: np.ndarray | None = field(default=None, repr=False, compare=False)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        if self._fused is None:
            self._fused = _FusedLayers.of(self.members)
        return self._fused.predict_proba(X)

    def predicts(self, label: int) -> bool:
        """Whether the networks were trained on the label (index into LABELS). A label absent
        from the training data has an all-zero output column and a logit of -30 there
        (train._softmax_over_labels)."""
        if self._known is None:
            self._known = np.logical_or.reduce(
                [net.weights[-1].any(axis=0) | (net.biases[-1] > -30.0) for net in self.members]
            )
        return bool(self._known[label])


@dataclass(slots=True)
class _FusedLayers:
    """The members of an ensemble as one computation: standardisation folded into the first
    layer (in float64, then float32), the first layers side by side in one matrix (they share
    the input), later layers as one batched matmul over the members; softmax per member, then
    the mean. Agrees with running the members one by one to float32 rounding (~1e-6)."""

    first_w: np.ndarray  # (features, members * hidden)
    first_b: np.ndarray
    weights: list[np.ndarray]  # (members, in, out) each
    biases: list[np.ndarray]  # (members, 1, out) each
    k: int

    @classmethod
    def of(cls, members: list[Network]) -> _FusedLayers:
        shapes = {tuple(w.shape for w in net.weights) for net in members}
        if len(shapes) != 1:
            raise ModelError("ensemble members differ in shape; cannot run them together")
        first_w, first_b = [], []
        for net in members:
            scale = net.scale.astype(np.float64)
            w = net.weights[0].astype(np.float64)
            first_w.append(w / scale[:, None])
            first_b.append(net.biases[0] - (net.mean.astype(np.float64) / scale) @ w)
        layers = range(1, len(members[0].weights))
        weights = [np.stack([net.weights[i] for net in members]) for i in layers]
        return cls(
            first_w=_without_subnormals(np.hstack(first_w).astype(np.float32)),
            first_b=np.concatenate(first_b).astype(np.float32),
            weights=[_without_subnormals(w) for w in weights],
            biases=[np.stack([net.biases[i] for net in members])[:, None, :] for i in layers],
            k=len(members),
        )

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        h = X @ self.first_w
        h += self.first_b
        h = h.reshape(X.shape[0], self.k, -1).transpose(1, 0, 2)  # (members, rows, hidden)
        for w, b in zip(self.weights, self.biases, strict=True):
            np.maximum(h, 0.0, out=h)  # the ReLU of the layer before
            h = np.matmul(h, w)
            h += b
        return _member_mean(softmax_rows(h))  # the softmax over the labels, member by member


def _member_mean(h: np.ndarray) -> np.ndarray:
    """h.mean(axis=0), the same sum and division, without mean's Python wrapper (a few us a
    call, and this runs twice a page)."""
    out = np.add.reduce(h, axis=0)
    out /= len(h)
    return out


def _without_subnormals(weights: np.ndarray) -> np.ndarray:
    """The weights with the subnormal ones (below float32's smallest normal, ~1.2e-38) made 0.
    Training decays the weights of an input that never varies (`has_dom` is 1 on every HTML
    line) to such values; multiplied by a non-zero input they make subnormal products, which
    the CPU computes slowly (a microcode assist each): 40 % of the HTML networks' time. What
    they add to a sum is far below float32's rounding of it, so the output stays the same."""
    tiny = np.finfo(weights.dtype).tiny
    return np.where(np.abs(weights) < tiny, weights.dtype.type(0), weights)


@dataclass(slots=True)
class LineModel:
    networks: dict[str, Ensemble]  # keys like "text/pass1"
    card: dict
    lexical: dict[str, LexicalScorer] = field(default_factory=dict)  # word models, by kind
    markup: dict[str, LexicalScorer] = field(default_factory=dict)  # markup models, by kind
    headline: dict[str, HeadlineRanker] = field(default_factory=dict)  # headline rankers
    dom_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per kind, the DOM groupings whose columns pass 2 reads after REVISION_FEATURES
    (features.dom_group_columns; HTML only; none before model 0.9.0)."""

    def has(self, kind: str) -> bool:
        return f"{kind}/pass1" in self.networks

    def predicts(self, kind: str, label: str) -> bool:
        """Whether this kind's pass 2 was trained on the label (Ensemble.predicts): not byline
        in a model trained on body and boilerplate only. The rules that assign a label
        themselves (credits.py) leave such a taxonomy alone."""
        pass2 = self.networks[f"{kind if self.has(kind) else 'text'}/pass2"]
        return pass2.predicts(LABELS.index(label))

    def headline_ranker(self, kind: str) -> HeadlineRanker | None:
        """The ranker that picks this kind's headline (None: models before 0.8.0, or trained on
        pages without title labels; the likeliest title line is the headline then)."""
        return self.headline.get(kind if self.has(kind) else "text")

    def has_word_model(self, kind: str) -> bool:
        """Whether pass 1 of this kind reads the word model's columns (LEXICAL_FEATURES)."""
        return (kind if self.has(kind) else "text") in self.lexical

    def pass1_columns(self, kind: str) -> tuple[str, ...]:
        """The names of the columns pass 1 reads for this kind of input: the line's features
        (features.py), then the word model's columns if the kind has one (text scrapes in the
        shipped model), then the markup model's (HTML)."""
        if not self.has(kind):
            kind = "text"
        return (
            LINE_FEATURES
            + (LEXICAL_FEATURES if kind in self.lexical else ())
            + (MARKUP_FEATURES if kind in self.markup else ())
        )

    def spare_columns(self, kind: str) -> int:
        """How many columns pass 1 reads for this kind beyond LINE_FEATURES (line_features
        leaves that many free, so pass1_inputs fills them in place)."""
        return len(self.pass1_columns(kind)) - len(LINE_FEATURES)

    def pass1_inputs(
        self, X: np.ndarray, page: Page, kind: str, words: object | None = None
    ) -> np.ndarray:
        """The line features with the word model's and the markup model's columns after them
        when this kind has them (the lines' text and markup are only read then). Written into
        X's spare columns when it has them (line_features(page, spare_columns(kind))), else
        appended. `words`: the kernel's split of the lines, for the word model (see
        features.line_features_and_words)."""
        if not self.has(kind):
            kind = "text"
        parts = []
        if kind in self.lexical:
            parts.append(self.lexical[kind].page_columns(page, words))
        if kind in self.markup:
            parts.append(self.markup[kind].markup_columns(page))
        if not parts:
            return X
        width = len(LINE_FEATURES) + sum(part.shape[1] for part in parts)
        if X.shape[1] != width:
            return np.hstack([X[:, : len(LINE_FEATURES)], *parts])
        j = len(LINE_FEATURES)
        for part in parts:
            X[:, j : j + part.shape[1]] = part
            j += part.shape[1]
        return X

    def predict(
        self, X: np.ndarray, kind: str, page: Page | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(pass-1 probabilities, revised pass-2 probabilities), one row a line. `page`: the
        lines' page, needed when this kind's pass 2 reads DOM-group columns (dom_groups)."""
        if not self.has(kind):
            kind = "text"
        p1 = self.networks[f"{kind}/pass1"].predict_proba(X)
        groupings = self.dom_groups.get(kind, ())
        if groupings and page is None:
            raise ModelError(f"the {kind} pass 2 reads DOM groups: predict needs the page")
        dom = page.dom_index() if groupings and page is not None else None
        R = pass2_inputs(X, p1, dom, groupings)
        p2 = self.networks[f"{kind}/pass2"].predict_proba(R)
        return p1, revised(X, p1, p2)


_BOILER = LABELS.index("boilerplate")
_BODY = LABELS.index("body")
_WORDS = LINE_FEATURES.index("words")  # holds log1p(words)
SURE_BODY = 0.99
_SURE_MIN_WORDS_LOG = float(np.log1p(20))
"""A line of 20+ words that pass 1 is 99 % sure is article text keeps pass 1's call: the context
pass learnt from corpora where a line after a date line is often a listing's teaser, and would
otherwise drop the lede under a byline (seed 000). Neutral to positive on the dev sites."""
PASS1_SHARE = 0.3
"""The revised keep/remove score keeps this share of pass 1's own. Chosen on the dev sites
(0, 0.3, 0.5, 1 tried; 0.3 best on three of four corpus x input pairs): the context pass then
revises, but a line that is plainly article text on its own is not talked out of it."""


def revised(X: np.ndarray, p1: np.ndarray, p2: np.ndarray) -> np.ndarray:
    """The scores labels are read from: pass 2's, with PASS1_SHARE of pass 1's, pass 1's own
    where it is sure of a long body line (SURE_BODY), the kind of kept line from pass 1."""
    p2 = PASS1_SHARE * p1 + (1.0 - PASS1_SHARE) * p2
    sure = (p1[:, _BODY] >= SURE_BODY) & (X[:, _WORDS] >= _SURE_MIN_WORDS_LOG)
    p2[sure] = p1[sure]
    return keep_or_remove(p1, p2)


def keep_or_remove(p1: np.ndarray, p2: np.ndarray) -> np.ndarray:
    """The context pass decides keep or remove; which kind of kept line (title, byline, body,
    caption) stays pass 1's call, made from the line's own look. The corpora that teach the
    context pass mostly know "article or not", so its finer labels are the weaker ones."""
    kinds = p1.copy()
    kinds[:, _BOILER] = 0.0
    total = kinds[:, :1].copy()  # the row sums, added column by column (as sum() does)
    for j in range(1, kinds.shape[1]):
        total += kinds[:, j : j + 1]
    undecided = total[:, 0] < 1e-6  # pass 1 was sure it is boilerplate: kept mass goes to body
    kinds[undecided, _BODY] = 1.0
    total[undecided] = 1.0
    out = kinds / total * (1.0 - p2[:, _BOILER])[:, None]
    out[:, _BOILER] = p2[:, _BOILER]
    return out


def _arrays_of(model: LineModel) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    scorers = [(f"{kind}/lexical/", s) for kind, s in model.lexical.items()]
    scorers += [(f"{kind}/markup/", s) for kind, s in model.markup.items()]
    for prefix, scorer in sorted(scorers, key=lambda item: item[0]):
        vocab = scorer.vocabulary
        # the words as one UTF-8 text, a word a line (a word never holds a line break)
        words = "\n".join(sorted(vocab.words, key=vocab.words.__getitem__))
        arrays[prefix + "words"] = np.frombuffer(words.encode("utf-8"), dtype=np.uint8)
        arrays[prefix + "first"] = vocab.first
        arrays[prefix + "last"] = vocab.last
        arrays[prefix + "pairs"] = vocab.pairs
        arrays[prefix + "weights"] = scorer.weights
        arrays[prefix + "bias"] = scorer.bias
    for kind, ranker in sorted(model.headline.items()):
        arrays[f"{kind}/headline/weights"] = ranker.weights
        arrays[f"{kind}/headline/bias"] = np.array([ranker.bias])
    for key, ensemble in sorted(model.networks.items()):
        for j, net in enumerate(ensemble.members):
            prefix = f"{key}/m{j}"
            arrays[f"{prefix}/mean"] = net.mean
            arrays[f"{prefix}/scale"] = net.scale
            for i, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
                arrays[f"{prefix}/w{i}"] = w
                arrays[f"{prefix}/b{i}"] = b
    return arrays


def _stored(array: np.ndarray) -> np.ndarray:
    """Weights as float32; word bytes and integer keys as they are."""
    return array.astype(np.float32) if array.dtype.kind == "f" else array


def _lexical_of(
    arrays: dict[str, np.ndarray], kind: str, source: Path, part: str = "lexical"
) -> LexicalScorer:
    """The word model (part "lexical") or the markup model (part "markup") of one kind."""
    prefix = f"{kind}/{part}/"
    what = "word model" if part == "lexical" else "markup model"
    try:
        text = arrays[prefix + "words"].tobytes().decode("utf-8")
        words = {w: i for i, w in enumerate(text.split("\n"))} if text else {}
        vocab = Vocabulary(
            words, *(arrays[prefix + k].astype(np.int64) for k in ("first", "last", "pairs"))
        )
        weights, bias = arrays[prefix + "weights"], arrays[prefix + "bias"]
    except (KeyError, UnicodeDecodeError) as exc:
        raise ModelError(f"{source}: the {kind} {what} is missing or unreadable") from exc
    if weights.shape != (vocab.size, len(LABELS)) or bias.shape != (len(LABELS),):
        raise ModelError(f"{source}: the {kind} {what}'s weights do not fit its vocabulary")
    return LexicalScorer(vocab, weights.astype(np.float32), bias.astype(np.float32))


def save_model(model: LineModel, folder: str | Path) -> Path:
    """Write weights.npz and model.json (the card, with the weights' sha256)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    arrays = _arrays_of(model)
    # npz written with fixed member order; np.savez is deterministic for the same arrays
    np.savez(buf, **{k: _stored(arrays[k]) for k in sorted(arrays)})
    data = buf.getvalue()
    (folder / "weights.npz").write_bytes(data)
    card = dict(model.card)
    card.update(
        {
            "format": MODEL_FORMAT,
            "labels": list(LABELS),
            "features": {
                "pass1": list(LINE_FEATURES),
                "word_model": list(LEXICAL_FEATURES),
                "markup_model": list(MARKUP_FEATURES),
                "pass2": list(REVISION_FEATURES),
                "headline": list(HEADLINE_FEATURES),
                **(
                    {"pass2_dom_groups": {k: list(dom_group_names(g)) for k, g in groups}}
                    if (groups := sorted(model.dom_groups.items()))
                    else {}
                ),
            },
            **({"dom_groups": {k: list(g) for k, g in groups}} if groups else {}),
            "word_model_kinds": sorted(model.lexical),
            "markup_model_kinds": sorted(model.markup),
            "headline_kinds": sorted(model.headline),
            "headline_thresholds": {k: r.threshold for k, r in sorted(model.headline.items())},
            "weights_file": "weights.npz",
            "weights_sha256": hashlib.sha256(data).hexdigest(),
            "networks": sorted(model.networks),
        }
    )
    (folder / "model.json").write_text(
        json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    (folder / "README.md").write_text(card_markdown(card), encoding="utf-8")
    return folder


def _held_out_by(card: dict) -> str:
    """What training's out-of-fold scores held out: sites, unless one site was all it had."""
    units = set(card.get("training", {}).get("held_out_by", {}).values()) or {"site"}
    return " or ".join(sorted(units))


def card_markdown(card: dict) -> str:
    """The model card for people: what it was trained on, under which licences, how it scores."""
    out = [
        f"# Line model {card.get('version', '')}",
        "",
        "Labels every line of a news page as " + ", ".join(f"`{x}`" for x in card["labels"]) + ".",
        _networks_sentence(card)
        + (
            "; for " + " and ".join(card.get("word_model_kinds", [])) + " input a word model "
            "(logistic regression over a line's words, first and last word and word pairs) "
            "adds its label scores to pass 1's inputs"
            if card.get("word_model_kinds")
            else ""
        )
        + (
            "; for " + " and ".join(card.get("markup_model_kinds", [])) + " input a markup "
            "model (the same regression over a line's tag and class/id words) does the same"
            if card.get("markup_model_kinds")
            else ""
        )
        + "; weights in `weights.npz`",
        f"(sha256 `{card['weights_sha256']}`, checked at load), everything else in `model.json`.",
        "Loading runs no code from these files (`np.load(..., allow_pickle=False)`).",
        "",
        "## Training data and licences",
        "",
    ]
    for kind, counts in sorted(card.get("training", {}).get("pages", {}).items()):
        pages = ", ".join(f"{n} pages of {name}" for name, n in sorted(counts.items()))
        out.append(f"- {kind} network: {pages}")
    skipped = card.get("training", {}).get("skipped_gold_keeps_comments", {})
    for name, ids in sorted(skipped.items()):
        out.append(
            f"- left out of {name}: {len(ids)} pages whose gold text keeps the reader comments "
            "(comments are boilerplate here; see `corpora.gold_keeps_comments`)"
        )
    kept = card.get("training", {}).get("kept")
    if kept:
        out.append(
            f"- {' and '.join(kept['kinds'])} networks (and the word, markup and headline "
            f"models that go with them) kept from model {kept.get('version')} (weights sha256 "
            f"`{str(kept.get('weights_sha256'))[:12]}…`"
            + (f", kept by {kept['via']} too" if kept.get("via") else "")
            + "), not retrained: "
            f"`{kept.get('command')}` trained them (its configuration"
            + (" and training environment" if kept.get("environment") else "")
            + " in `model.json`, `training.kept`"
            + ("" if kept.get("environment") else "; its card recorded no environment")
            + ")"
        )
    rules = card.get("training", {}).get("label_rules")
    if rules:
        out.append(f"- corpus labels brought to the taxonomy first: {rules}")
    out += ["", *[f"- {line}" for line in card.get("data_licences", [])], ""]
    out += [
        "## Features",
        "",
        f"Pass 1: {len(card['features']['pass1'])} features of the line, its neighbours and "
        "where it sits in the page (date/comment lines around it, the main block of text)"
        + (
            f", plus {len(card['features'].get('word_model', []))} from the word model (its "
            "label scores for the line and the body score of its neighbours; made out-of-fold "
            f"by {_held_out_by(card)} in training)"
            if card.get("word_model_kinds")
            else ""
        )
        + (
            f", plus {len(card['features'].get('markup_model', []))} from the markup model "
            "(the same columns from the line's tag and class/id words)"
            if card.get("markup_model_kinds")
            else ""
        )
        + ". "
        f"Pass 2: {len(card['features']['pass2'])} features (pass-1 scores of the "
        f"{sum(name.endswith('_title') for name in card['features']['pass2'])} surrounding "
        "lines, body-score windows, a few shape and cue features)"
        + "".join(
            f"; {kind} also {len(names)} from the line's DOM groups (per grouping, "
            f"{' and '.join(card.get('dom_groups', {}).get(kind, []))}: the word-weighted "
            "pass-1 body and boilerplate scores and the words of the other lines in the "
            "line's group, and the group's share of the page's words)"
            for kind, names in sorted(card["features"].get("pass2_dom_groups", {}).items())
        )
        + "."
        + (
            " Headline (" + " and ".join(card["headline_kinds"]) + f"): a ranker over the "
            f"lines near the article's top ({len(card['features'].get('headline', []))} "
            "features: their revised scores, title-score rank among them, distance to the "
            "first paragraph, shape, words shared with the lede; a logistic regression fitted "
            "on the training pages that mark a headline) picks the title."
            if card.get("headline_kinds")
            else ""
        )
        + " Names in `model.json`.",
        "",
    ]
    metrics = card.get("held_out_metrics")
    if metrics:
        out += [
            "## Metrics on the held-out split (20 % of sites, never used in training)",
            "",
            "Body precision / recall / F1 over word tokens, per page then averaged. Gold "
            "convention: `body` = article text only (L3S); `article` = headline, dates and "
            "captions too (Dragnet), scored against every kept line."
            + (f" ({card['held_out_metrics_note']})" if card.get("held_out_metrics_note") else ""),
            "",
            "| corpus / input | pages | gold convention | precision | recall | F1 |",
            "|---|---:|---|---:|---:|---:|",
        ]
        for key, m in sorted(metrics.items()):
            out.append(
                f"| {key} | {m['pages']} | {m['convention']} | {m['precision']:.3f} | "
                f"{m['recall']:.3f} | {m['f1']:.3f} |"
            )
        titles = [
            f"{key} {m['title_correct']} of {m['title_pages']}"
            for key, m in sorted(metrics.items())
            if m.get("title_pages")
        ]
        if titles:
            out += [
                "",
                "Headline: pages whose title is the headline the corpus's line labels mark (at "
                f"least {round(TITLE_MATCH * 100)} % of its distinct words shared; "
                "`evaluate.title_matches`): " + ", ".join(titles) + ".",
            ]
        out.append("")
    cfg = card.get("training", {}).get("config")
    if cfg:
        out += ["## Training configuration", "", "```json", json.dumps(cfg, sort_keys=True), "```"]
        command = card.get("training", {}).get("command") or RETRAIN_COMMAND
        out += ["", f"Retrain: `{command}`."]
        env = card.get("training", {}).get("environment")
        if env:
            out.append(
                f"Trained with Python {env['python']}, numpy {env['numpy']} (SIMD: "
                f"{env.get('numpy_simd') or 'not recorded'}), scikit-learn "
                f"{env['scikit-learn']}, BLAS {'; '.join(env['blas']) or 'not detected'} "
                f"({env['machine']}{_threads(env)}). "
                "Training is deterministic on one machine; another CPU (another BLAS kernel or "
                "numpy SIMD level) rounds differently and trains other weights, within the "
                "seed noise."
            )
        out.append("")
    return "\n".join(out)


def _threads(env: dict) -> str:
    """The thread count (BLAS and OpenMP) as the card recorded it, ", on 1 thread"; cards before
    session 15 did not record it."""
    threads = env.get("threads")
    if threads is None:
        return ""
    return f", on {threads} thread{'s' if threads != 1 else ''}"


RETRAIN_COMMAND = "cleaner train labelled -o models/line-model"
"""The command a card shows when it does not record its own (older cards do not)."""


def _networks_sentence(card: dict) -> str:
    """Which networks the model has: both input kinds, or text only (HTML pages are then read by
    the text networks)."""
    kinds = {key.split("/")[0] for key in card.get("networks", [])}
    if kinds == {"text"}:
        return "Two passes of a small MLP for text scrapes (HTML pages are read by them too)"
    if kinds == {"html"}:
        return "Two passes of a small MLP for HTML pages only"
    return "Two passes of a small MLP per input kind (text scrape, HTML)"


def read_model(folder: str | Path) -> LineModel:
    folder = Path(folder)
    card_path = folder / "model.json"
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"no model at {folder}: {card_path.name} is missing") from exc
    except json.JSONDecodeError as exc:
        raise ModelError(f"{card_path}: not valid JSON ({exc})") from exc
    if card.get("format") != MODEL_FORMAT:
        raise ModelError(f"{card_path}: format {card.get('format')!r}, expected {MODEL_FORMAT!r}")
    if card.get("labels") != list(LABELS):
        raise ModelError(f"{card_path}: labels {card.get('labels')} differ from {list(LABELS)}")
    feats = card.get("features", {})
    word_kinds = card.get("word_model_kinds", [])
    markup_kinds = card.get("markup_model_kinds", [])  # none before model 0.5.0
    headline_kinds = card.get("headline_kinds", [])  # none before model 0.8.0
    dom_groups = {k: tuple(g) for k, g in card.get("dom_groups", {}).items()}  # 0.9.0 on
    if any(name not in DOM_GROUPINGS for g in dom_groups.values() for name in g) or any(
        feats.get("pass2_dom_groups", {}).get(k) != list(dom_group_names(g))
        for k, g in dom_groups.items()
    ):
        raise ModelError(
            f"{card_path}: trained for other DOM-group columns than this code computes; retrain"
        )
    if (
        feats.get("pass1") != list(LINE_FEATURES)
        or feats.get("pass2") != list(REVISION_FEATURES)
        or (word_kinds and feats.get("word_model") != list(LEXICAL_FEATURES))
        or (markup_kinds and feats.get("markup_model") != list(MARKUP_FEATURES))
        or (headline_kinds and feats.get("headline") != list(HEADLINE_FEATURES))
    ):
        raise ModelError(
            f"{card_path}: trained for other features than this code computes; retrain"
        )
    weights_path = folder / card.get("weights_file", "weights.npz")
    data = weights_path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != card.get("weights_sha256"):
        raise ModelError(f"{weights_path}: sha256 {digest[:12]}… does not match the model card")
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    networks: dict[str, Ensemble] = {}
    for key in card["networks"]:
        members = []
        prefixes = [f"{key}/m{j}" for j in range(len(arrays)) if f"{key}/m{j}/mean" in arrays]
        if not prefixes and f"{key}/mean" in arrays:
            prefixes = [key]  # written before ensembles: one network, no member index
        for prefix in prefixes:
            n_layers = sum(1 for k in arrays if k.startswith(f"{prefix}/w"))
            members.append(
                Network(
                    mean=arrays[f"{prefix}/mean"],
                    scale=arrays[f"{prefix}/scale"],
                    weights=[arrays[f"{prefix}/w{i}"] for i in range(n_layers)],
                    biases=[arrays[f"{prefix}/b{i}"] for i in range(n_layers)],
                )
            )
        if not members:
            raise ModelError(f"{weights_path}: no arrays for network {key!r}")
        networks[key] = Ensemble(members)
    lexical = {kind: _lexical_of(arrays, kind, weights_path) for kind in word_kinds}
    markup = {kind: _lexical_of(arrays, kind, weights_path, "markup") for kind in markup_kinds}
    thresholds = card.get("headline_thresholds", {})
    headline = {k: _ranker_of(arrays, k, thresholds, weights_path) for k in headline_kinds}
    return LineModel(
        networks=networks,
        card=card,
        lexical=lexical,
        markup=markup,
        headline=headline,
        dom_groups=dom_groups,
    )


def _ranker_of(
    arrays: dict[str, np.ndarray], kind: str, thresholds: dict, source: Path
) -> HeadlineRanker:
    try:
        weights = arrays[f"{kind}/headline/weights"].astype(np.float64)
        bias = float(arrays[f"{kind}/headline/bias"].reshape(-1)[0])
        threshold = float(thresholds[kind])
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ModelError(f"{source}: the {kind} headline ranker is missing or unreadable") from exc
    if weights.shape != (len(HEADLINE_FEATURES),):
        raise ModelError(f"{source}: the {kind} headline ranker's weights do not fit its features")
    return HeadlineRanker(weights, bias, threshold)


@lru_cache(maxsize=4)
def _cached(folder: str) -> LineModel:
    return read_model(folder)


def load_model(path: str | Path | None = None) -> LineModel:
    """The model at `path` (a model folder, or a file in one), else $CLEANER_MODEL, else the
    shipped one (cached per process).
    `clean()` calls this for every page it is not given a model for, so the cache key is the
    absolute path made without touching the disk (Path.resolve's system calls were 5 % of a
    text page)."""
    folder = path or os.environ.get("CLEANER_MODEL") or DEFAULT_MODEL_DIR
    return _cached(os.path.abspath(model_folder_of(folder)))
