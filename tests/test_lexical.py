"""The word model (cleaner/lexical.py): its terms, its scores, its training and its storage.

The compiled `line_terms` must give exactly the numpy reference's (line, term) pairs; the
scores must be the softmax of the summed weights of a line's distinct terms, which is what the
logistic regression it was fitted as computes."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import numpy as np
import pytest

from cleaner import lexical
from cleaner.article import LABELS
from cleaner.lexical import LEXICAL_FEATURES, LexicalScorer, Vocabulary, lexical_columns
from cleaner.model import ModelError, load_model, read_model, save_model

REPO = Path(__file__).resolve().parents[1]
KERNEL = lexical._kernel
needs_kernel = pytest.mark.skipif(
    KERNEL is None, reason="cleaner._linestats is not built (or CLEANER_PURE_PYTHON=1)"
)

TRAINING_LINES = [
    "Sign up for our newsletter",
    "Sign up for our daily newsletter",
    "Sign up for the newsletter today",
    "The minister said on Monday that talks would resume.",
    "The minister said the talks were over.",
    "Officials said the minister would resign.",
    "Share this article",
    "Share this story",
]


def _vocab(min_lines: int = 2) -> Vocabulary:
    return Vocabulary.build(TRAINING_LINES, min_lines)


def test_vocabulary_keeps_terms_seen_on_enough_lines() -> None:
    vocab = _vocab(2)
    assert {"sign", "up", "newsletter", "minister", "said", "share", "this"} <= set(vocab.words)
    assert "monday" not in vocab.words  # on one line only
    ids = vocab.words
    assert ids["sign"] in vocab.first and ids["share"] in vocab.first
    assert ids["newsletter"] in vocab.last
    assert ids["sign"] * len(ids) + ids["up"] in vocab.pairs
    assert ids["up"] * len(ids) + ids["sign"] not in vocab.pairs  # pairs are ordered
    for table in (vocab.first, vocab.last, vocab.pairs):
        assert np.all(np.diff(table) > 0)  # sorted, distinct: looked up by bisection


def test_line_terms_are_distinct_and_sorted() -> None:
    vocab = _vocab(2)
    line, term = vocab.line_terms(["Share this share THIS", "", "nothing known here"])
    assert set(line.tolist()) == {0}
    assert np.all(np.diff(line * vocab.size + term) > 0)
    ids = vocab.words
    words = {ids["share"], ids["this"]}
    assert words <= set(term.tolist())
    # share, this; first 'share'; last 'this'; pairs share-this and this-share (if known)
    assert len(term) == len(set(term.tolist()))


def _scorer(vocab: Vocabulary, seed: int = 0) -> LexicalScorer:
    rng = np.random.default_rng(seed)
    weights = rng.normal(size=(vocab.size, len(LABELS))).astype(np.float32)
    return LexicalScorer(vocab, weights, rng.normal(size=len(LABELS)).astype(np.float32))


def test_scores_are_the_softmax_of_the_distinct_terms_weights() -> None:
    vocab = _vocab(2)
    scorer = _scorer(vocab)
    texts = ["Sign up for our newsletter newsletter", "Officials said", "", "zzz"]
    got = scorer.probabilities(texts)
    line, term = vocab.line_terms(texts)
    for i in range(len(texts)):
        z = scorer.bias.astype(np.float64) + scorer.weights[term[line == i]].sum(axis=0)
        want = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        np.testing.assert_allclose(got[i], want, rtol=1e-5)
    # a line with no known term gets the bias alone; repeating a word changes nothing
    np.testing.assert_array_equal(got[2], got[3])
    again = scorer.probabilities(["Sign up for our newsletter"])
    np.testing.assert_allclose(again[0], got[0], rtol=1e-6)


def test_columns_carry_the_neighbours_body_scores() -> None:
    probs = np.random.default_rng(1).dirichlet(np.ones(len(LABELS)), size=6).astype(np.float32)
    cols = lexical_columns(probs)
    assert cols.shape == (6, len(LEXICAL_FEATURES))
    body = probs[:, LABELS.index("body")]
    at = {name: i for i, name in enumerate(LEXICAL_FEATURES)}
    np.testing.assert_array_equal(cols[:, : len(LABELS)], probs)
    np.testing.assert_array_equal(cols[2:, at["lex_body-2"]], body[:-2])
    np.testing.assert_array_equal(cols[:-1, at["lex_body+1"]], body[1:])
    assert cols[0, at["lex_body-1"]] == 0 and cols[-1, at["lex_body+2"]] == 0
    assert lexical_columns(probs[:1]).shape == (1, len(LEXICAL_FEATURES))


# --- compiled kernel = numpy reference -----------------------------------------------------------

PIECES = [
    "sign", "up", "newsletter", "Share", "THIS", "said", "the", "minister", "u.s.", "don't",
    "a-b", "İ", "Σ", "ΟΔΟΣ", "中文", "😀", "\x00", "\t", "ß", "123", "x", "-", ".", "’", "_",
]  # fmt: skip


def _random_lines(rng: random.Random) -> list[str]:
    return [
        "".join(rng.choice(PIECES) + rng.choice(["", " ", " ", ",", "."]) for _ in range(k))
        for k in (rng.randint(0, 30) for _ in range(rng.choice([0, 1, 2, 10, 40])))
    ]


def _assert_same_terms(vocab: Vocabulary, texts: list[str]) -> None:
    got = vocab.line_terms(texts)
    want = vocab._line_terms_python(texts)
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()


@needs_kernel
@pytest.mark.parametrize("seed", range(3))
def test_kernel_terms_equal_the_reference_on_random_lines(seed: int) -> None:
    rng = random.Random(seed)
    corpus = [" ".join(rng.choice(PIECES) for _ in range(8)) for _ in range(300)]
    vocab = Vocabulary.build(corpus, 3)
    assert vocab.pairs.size and vocab.first.size
    for _ in range(100):
        _assert_same_terms(vocab, _random_lines(rng))


@needs_kernel
def test_kernel_terms_equal_the_reference_with_the_shipped_vocabulary() -> None:
    model = load_model()
    texts = _labelled_lines()
    assert model.lexical
    for scorer in model.lexical.values():
        _assert_same_terms(scorer.vocabulary, texts)
        _assert_same_terms(scorer.vocabulary, [t.upper() for t in texts[:200]])


def _labelled_lines() -> list[str]:
    return [
        line
        for path in sorted((REPO / "labelled").rglob("*.tsv"))
        for line in (row.partition("\t")[2] for row in path.read_text("utf-8").splitlines())
        if line
    ]


def _pages_of(texts: list[str], size: int = 150) -> list[list[str]]:
    return [texts[k : k + size] for k in range(0, len(texts), size)]


def _assert_same_scores(scorer: LexicalScorer, texts: list[str]) -> None:
    """The kernel's line_scores and page_scores (from line_stats' words) give the numpy
    reference's sums to the bit."""
    from cleaner import features

    want = scorer.sums(texts).tobytes()
    ix, w, b = scorer.vocabulary.term_index(), scorer.weights, scorer.bias
    assert KERNEL.line_scores(texts, ix, w, b).tobytes() == want
    counts = KERNEL.line_stats(texts, features._TABLES, frozenset(), True)
    if counts is not None:  # None: a page the kernel leaves to Python (an empty line, say)
        assert KERNEL.page_scores(counts[2], texts, ix, w, b).tobytes() == want


@needs_kernel
@pytest.mark.parametrize("seed", range(3))
def test_kernel_scores_equal_the_reference_on_random_lines(seed: int) -> None:
    rng = random.Random(seed)
    corpus = [" ".join(rng.choice(PIECES) for _ in range(8)) for _ in range(300)]
    scorer = _scorer(Vocabulary.build(corpus, 3), seed)
    for _ in range(100):
        texts = _random_lines(rng)
        _assert_same_scores(scorer, texts)
        _assert_same_scores(scorer, [t for t in texts if t])


@needs_kernel
def test_kernel_scores_equal_the_reference_with_the_shipped_model() -> None:
    texts = _labelled_lines()
    # long lines: hundreds to thousands of terms (sorted by the Shell sort, not insertion)
    long_lines = [" ".join(texts[k : k + n]) for k, n in ((0, 10), (10, 60), (70, 300))]
    for scorer in load_model().lexical.values():
        for page in _pages_of(texts)[:40]:
            _assert_same_scores(scorer, page)
            _assert_same_scores(scorer, [t.upper() for t in page])
        _assert_same_scores(scorer, long_lines)
        _assert_same_scores(scorer, ["\u0130STANBUL \u03a3\u039f\u03a3 \U0001f600 said", "x"])


@needs_kernel
def test_page_scores_refuse_other_lines() -> None:
    from cleaner import features

    scorer = load_model().lexical["text"]
    ix, w, b = scorer.vocabulary.term_index(), scorer.weights, scorer.bias
    texts = ["The minister said", "Share this story"]
    words = KERNEL.line_stats(texts, features._TABLES, frozenset(), True)[2]
    assert KERNEL.page_scores(words, list(texts), ix, w, b) is not None  # the same strings
    assert KERNEL.page_scores(words, texts[:1], ix, w, b) is None
    assert KERNEL.page_scores(words, ["The minister said", "Share this story!"], ix, w, b) is None
    assert (
        KERNEL.page_scores(words, ["".join(["The minister ", "said"]), texts[1]], ix, w, b) is None
    )


def test_page_columns_are_the_columns_of_the_lines() -> None:
    from cleaner.features import line_features, line_features_and_words
    from cleaner.lines import to_page

    scorer = load_model().lexical["text"]
    page = to_page("\n".join(_labelled_lines()[:120]), "text")
    texts = [ln.text for ln in page.lines]
    X, words = line_features_and_words(page)
    assert (words is not None) == (KERNEL is not None)
    assert X.tobytes() == line_features(page).tobytes()
    assert line_features_and_words(page, keep_words=False)[1] is None
    got = scorer.page_columns(page, words)
    assert got.tobytes() == scorer.columns(texts).tobytes()
    assert scorer.page_columns(page).tobytes() == got.tobytes()  # without words: from the texts


def test_softmax_rows_is_numpys_softmax_to_the_bit() -> None:
    rng = np.random.default_rng(3)
    for scale in (0.1, 3.0, 40.0):
        z = (rng.normal(size=(300, len(LABELS))) * scale).astype(np.float32)
        want = z - z.max(axis=1, keepdims=True)
        np.exp(want, out=want)
        want /= want.sum(axis=1, keepdims=True)
        assert lexical.softmax_rows(z.copy()).tobytes() == want.tobytes()


# --- training and storage ------------------------------------------------------------------------


def test_fitted_word_model_reproduces_the_regression(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    from cleaner.train import Examples, TrainConfig, _page_of, fit_lexical

    ex = Examples([], [], [], [])
    rows = [("boilerplate", t, False) if "sign" in t.lower() or "share" in t.lower() else
            ("body", t, False) for t in TRAINING_LINES]  # fmt: skip
    for site in ("a", "b", "c"):
        ex.add(*_page_of(rows), site)
    cfg = TrainConfig(lexical_min_lines=2, lexical_folds=3)
    columns, scorer = fit_lexical(ex, cfg, log=lambda _: None)
    assert columns.shape == (3 * len(rows), len(LEXICAL_FEATURES))
    # binary case (two labels seen): the stored weights give sklearn's probabilities
    line, term = scorer.vocabulary.line_terms(TRAINING_LINES)
    A = csr_matrix((np.ones(len(line)), (line, term)), shape=(len(rows), scorer.vocabulary.size))
    y = np.array([LABELS.index(r[0]) for r in rows] * 3)
    w = np.concatenate(ex.w)
    ref = LogisticRegression(C=cfg.lexical_c, max_iter=300).fit(
        csr_matrix(np.vstack([A.toarray()] * 3)), y, sample_weight=w
    )
    got = scorer.probabilities(TRAINING_LINES)
    np.testing.assert_allclose(got[:, ref.classes_], ref.predict_proba(A), atol=1e-5)
    boiler = LABELS.index("boilerplate")
    assert got[0, boiler] > 0.5 and got[3, boiler] < 0.5


def test_word_model_survives_saving(tmp_path: Path) -> None:
    model = load_model()
    assert set(model.lexical) == set(model.card["word_model_kinds"]) == {"text"}
    save_model(model, tmp_path / "m")
    again = read_model(tmp_path / "m")
    texts = ["Sign up for our newsletter", "The minister said on Monday that talks resume."]
    for kind, scorer in model.lexical.items():
        other = again.lexical[kind]
        assert other.vocabulary.words == scorer.vocabulary.words
        np.testing.assert_array_equal(other.probabilities(texts), scorer.probabilities(texts))


@pytest.mark.parametrize(
    "key, message",
    [
        ("text/lexical/weights", "text word model's weights do not fit"),
        ("html/markup/bias", "html markup model's weights do not fit"),
    ],
)
def test_weights_that_do_not_fit_the_vocabulary_are_refused(
    tmp_path: Path, key: str, message: str
) -> None:
    """Even with the card's sha256 brought up to date, so only the shape check can catch it."""
    save_model(load_model(), tmp_path / "m")
    with np.load(tmp_path / "m" / "weights.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays[key] = arrays[key][:-1]
    np.savez(tmp_path / "m" / "weights.npz", **arrays)

    card_path = tmp_path / "m" / "model.json"
    card = json.loads(card_path.read_text())
    data = (tmp_path / "m" / "weights.npz").read_bytes()
    card["weights_sha256"] = hashlib.sha256(data).hexdigest()
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelError, match=message):
        read_model(tmp_path / "m")
