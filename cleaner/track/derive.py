"""How much of a rewrite derives from the wire: the METER classes wholly / partially / non.

A small multinomial logistic model over alignment features. Inference is numpy only; the weights
are JSON (never pickle) with a sha256 over their content, checked on load. Training
(`train`, `cleaner derive train`) needs scikit-learn and is imported lazily.

Classes, as this project operationalises METER's definitions (Gaizauskas et al. 2001):
- wholly: the wire is the only source, largely reused as written (cut, lightly edited);
- partially: wire material mixed with other sources or substantially rewritten;
- non: written independently of the wire, even when it covers the same event.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cleaner.resources import shipped_model_path
from cleaner.track.align import Alignment

CLASSES: tuple[str, ...] = ("non", "partially", "wholly")
FEATURES: tuple[str, ...] = (
    "verbatim_share",
    "rewrite_share",
    "new_share",
    "wire_kept_share",
    "wire_paraphrased_share",
    "aligned_sentence_share",
    "in_order_share",
    "mean_similarity",
    "longest_run",
    "aligned_sentences",
    "doc_cosine",
)
FORMAT = "cleaner-derive/1"
DEFAULT_MODEL = shipped_model_path("derive", "derive.json")


def features(al: Alignment, doc_cosine: float = 0.0) -> dict[str, float]:
    """The model's inputs, each scaled to roughly [0, 1]."""
    return {
        "verbatim_share": al.share("verbatim"),
        "rewrite_share": al.share("rewrite"),
        "new_share": al.share("new") if al.words else 1.0,
        "wire_kept_share": al.wire_share("kept"),
        "wire_paraphrased_share": al.wire_share("paraphrased"),
        "aligned_sentence_share": al.aligned_sentences / al.sentences if al.sentences else 0.0,
        "in_order_share": al.in_order / al.aligned_sentences if al.aligned_sentences else 0.0,
        "mean_similarity": al.mean_similarity,
        "longest_run": min(al.longest_run, 40) / 40.0,
        "aligned_sentences": math.log1p(al.aligned_sentences) / math.log(51.0),
        "doc_cosine": doc_cosine,
    }


@dataclass(frozen=True)
class Derivation:
    label: str
    score: float  # P(wholly) + 0.5 * P(partially): 0 = independent ... 1 = a copy
    probs: dict[str, float]


def _digest(body: Mapping) -> str:
    core = {
        k: body[k] for k in ("format", "classes", "features", "mean", "scale", "coef", "intercept")
    }
    return hashlib.sha256(json.dumps(core, sort_keys=True).encode("utf-8")).hexdigest()


class DeriveModel:
    """Standardise features, softmax(coef @ x + intercept). Learned state ends in `_`."""

    def __init__(self, *, C: float = 1.0) -> None:
        self.C = C

    # -- inference ------------------------------------------------------------------------------
    def predict_proba(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        x = np.array([[float(r[f]) for f in FEATURES] for r in rows], dtype=np.float64)
        z = (x - self.mean_) / self.scale_
        logits = z @ self.coef_.T + self.intercept_
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, row: Mapping[str, float]) -> Derivation:
        p = self.predict_proba([row])[0]
        probs = {c: float(p[i]) for i, c in enumerate(CLASSES)}
        label = CLASSES[int(np.argmax(p))]
        return Derivation(label, probs["wholly"] + 0.5 * probs["partially"], probs)

    # -- training -------------------------------------------------------------------------------
    def fit(self, rows: Sequence[Mapping[str, float]], labels: Sequence[str]) -> DeriveModel:
        """Fit on feature rows and class labels (needs scikit-learn)."""
        from sklearn.linear_model import LogisticRegression

        bad = sorted({lab for lab in labels if lab not in CLASSES})
        if bad:
            raise ValueError(f"unknown derivation label(s) {bad}; expected one of {CLASSES}")
        missing = [c for c in CLASSES if c not in set(labels)]
        if missing:
            raise ValueError(f"training needs examples of every class; none of {missing}")
        x = np.array([[float(r[f]) for f in FEATURES] for r in rows], dtype=np.float64)
        y = np.array([CLASSES.index(lab) for lab in labels])
        self.mean_ = x.mean(axis=0)
        self.scale_ = x.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        clf = LogisticRegression(C=self.C, max_iter=2000)
        clf.fit((x - self.mean_) / self.scale_, y)
        self.coef_ = clf.coef_.astype(np.float64)
        self.intercept_ = clf.intercept_.astype(np.float64)
        self.meta_: dict = {
            "examples": len(labels),
            "class_counts": {c: int((y == i).sum()) for i, c in enumerate(CLASSES)},
        }
        return self

    # -- persistence ----------------------------------------------------------------------------
    def to_json(self, **meta: object) -> dict:
        body = {
            "format": FORMAT,
            "classes": list(CLASSES),
            "features": list(FEATURES),
            "mean": [round(float(v), 8) for v in self.mean_],
            "scale": [round(float(v), 8) for v in self.scale_],
            "coef": [[round(float(v), 8) for v in row] for row in self.coef_],
            "intercept": [round(float(v), 8) for v in self.intercept_],
        }
        body["sha256"] = _digest(body)
        body["meta"] = {**getattr(self, "meta_", {}), **meta}
        return body

    def save(self, path: str | Path, **meta: object) -> str:
        """Write the weights as JSON (temp file + rename); returns the sha256."""
        body = self.to_json(**meta)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)
        return body["sha256"]

    @classmethod
    def load(cls, path: str | Path = DEFAULT_MODEL) -> DeriveModel:
        """Read weights; refuses, with a ValueError naming the file, anything that is not a
        model of this version's shape or whose sha256 does not match its content, so a bad
        file fails at load rather than on every record."""
        body = _read_model_json(path)
        if body.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} model (format={body.get('format')!r})")
        missing = [k for k in _MODEL_KEYS if k not in body]
        if missing:
            raise ValueError(f"{path}: not a complete model (missing {', '.join(missing)})")
        if body["features"] != list(FEATURES) or body["classes"] != list(CLASSES):
            raise ValueError(f"{path}: features/classes differ from this version of cleaner")
        if _digest(body) != body.get("sha256"):
            raise ValueError(f"{path}: sha256 mismatch; the weights were altered or corrupted")
        m = cls()
        m.mean_ = _weights(body, "mean", (len(FEATURES),), path)
        m.scale_ = _weights(body, "scale", (len(FEATURES),), path)
        m.coef_ = _weights(body, "coef", (len(CLASSES), len(FEATURES)), path)
        m.intercept_ = _weights(body, "intercept", (len(CLASSES),), path)
        if not np.all(m.scale_ != 0):
            raise ValueError(f"{path}: 'scale' has a zero entry")
        meta = body.get("meta", {})
        m.meta_ = meta if isinstance(meta, dict) else {}
        return m


_MODEL_KEYS = ("classes", "features", "mean", "scale", "coef", "intercept", "sha256")


def _read_model_json(path: str | Path) -> dict:
    """The model file as a JSON object; ValueError naming the file when it is not one."""
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the model ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a model (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not a model (not JSON: {exc.msg}, line {exc.lineno})") from None
    if not isinstance(body, dict):
        raise ValueError(f"{path}: not a model (a JSON {type(body).__name__}, not an object)")
    return body


def _weights(body: Mapping, key: str, shape: tuple[int, ...], path: str | Path) -> np.ndarray:
    """One weight array, checked for shape and finiteness (a wrong-length `mean` with a
    recomputed sha256 would otherwise fail only when a record is scored)."""
    try:
        arr = np.array(body[key], dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{path}: {key!r} must be numbers of shape {shape}") from None
    if arr.shape != shape:
        raise ValueError(f"{path}: {key!r} has shape {arr.shape}, expected {shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{path}: {key!r} has a non-finite value")
    return arr


_DEFAULT: DeriveModel | None = None


def default_model() -> DeriveModel:
    """The shipped model (loaded once)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = DeriveModel.load(DEFAULT_MODEL)
    return _DEFAULT


# -- examples ---------------------------------------------------------------------------------


def example_features(rewrite: str, wires: Mapping[str, str], *, idf=None) -> dict[str, float]:
    """Align one example and return its features (the same path `track` takes)."""
    from cleaner.track.align import align
    from cleaner.track.index import WireIndex

    index = WireIndex().extend(sorted(wires.items()))
    cands = index.candidates(rewrite, k=len(wires))
    cos = max((c.cosine for c in cands), default=0.0)
    return features(align(rewrite, wires, idf=idf), cos)


def read_examples(path: str | Path, records: Mapping[str, str] | None = None) -> Iterable[tuple]:
    """Yield (rewrite_text, {wire_id: wire_text}, label) from a JSONL file of examples:
    `{"rewrite": ID | {"id", "text"}, "wires": [ID | {"id", "text"}, ...], "label": ...}`.
    IDs are looked up in `records` (id -> text). Errors name the file and line."""
    records = records or {}

    def resolve(item: object, where: str) -> tuple[str, str]:
        if isinstance(item, str):
            if item not in records:
                raise ValueError(f"{where}: record {item!r} not found in the corpus given")
            return item, records[item]
        if isinstance(item, Mapping) and isinstance(item.get("text"), str):
            return str(item.get("id", "")), item["text"]
        raise ValueError(f"{where}: expected a record id or an object with 'text'")

    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: not JSON ({exc.msg})") from None
            label = obj.get("label")
            if label not in CLASSES:
                raise ValueError(f"{where}: label must be one of {CLASSES}, got {label!r}")
            _, text = resolve(obj.get("rewrite"), where)
            wires = obj.get("wires")
            if not isinstance(wires, list) or not wires:
                raise ValueError(f"{where}: 'wires' must be a non-empty list")
            wmap = {}
            for i, w in enumerate(wires):
                wid, wtext = resolve(w, where)
                wmap[wid or f"wire{i}"] = wtext
            yield text, wmap, label


def train(examples: Iterable[tuple[str, Mapping[str, str], str]], *, C: float = 1.0) -> DeriveModel:
    """Train on (rewrite_text, {wire_id: text}, label) examples. idf comes from the examples'
    own texts, as `track` takes it from the corpus it is given."""
    from cleaner.track.index import TermStats, terms

    examples = list(examples)
    stats = TermStats()
    seen: set[int] = set()
    for text, wires, _ in examples:
        for t in (text, *wires.values()):
            h = hash(t)
            if h not in seen:
                seen.add(h)
                stats.add(terms(t))
    rows = [example_features(t, w, idf=stats.idf) for t, w, _ in examples]
    return DeriveModel(C=C).fit(rows, [lab for _, _, lab in examples])
