"""The DOM-group columns of the HTML pass 2 (features.dom_group_columns, model 0.9.0): the
numpy version agrees with the definition written as a loop; the shipped HTML pass 2 reads
them, the text pass 2 does not."""

from __future__ import annotations

import numpy as np
import pytest

from cleaner.features import LINE_FEATURES, dom_group_columns, dom_group_names
from cleaner.lines import html_to_page

_W = LINE_FEATURES.index("words")

HTML = """<html><body>
<div class="nav"><ul><li><a href="/">Home</a></li><li><a href="/w">World news</a></li></ul></div>
<article class="story"><h1>A headline here</h1>
<p>First paragraph of the story, with enough words to count.</p>
<p>Second paragraph, again a sentence or two of the article.</p>
<p>Third one.</p></article>
<aside class="related"><p>Related: another story</p></aside>
<footer><p>Copyright 2026</p></footer>
</body></html>"""


def _naive(page, X, p, groupings):
    n = len(page.lines)
    w = np.rint(np.expm1(X[:, _W].astype(np.float64)))
    out = np.zeros((n, 4 * len(groupings)))
    for j, g in enumerate(groupings):
        written_out = {  # each grouping spelled out, not read from DOM_GROUPINGS
            "path_attrs": lambda tag, path, attrs: (path, attrs),
            "path": lambda tag, path, attrs: path,
            "parent": lambda tag, path, attrs: ">".join(path.split(">")[:-1]),
        }[g]

        def key(d, f=written_out):
            return None if d is None else f(d.tag, d.path, d.attrs)

        ks = [key(ln.dom) for ln in page.lines]
        for i in range(n):
            others = [m for m in range(n) if m != i and ks[i] is not None and ks[m] == ks[i]]
            wo = sum(w[m] for m in others)
            rest = [m for m in range(n) if m != i]
            wr = sum(w[m] for m in rest)
            if wo >= 0.5:
                b = sum(w[m] * p[m, 2] for m in others) / wo
                x = sum(w[m] * p[m, 4] for m in others) / wo
            elif wr >= 0.5:
                b = sum(w[m] * p[m, 2] for m in rest) / wr
                x = sum(w[m] * p[m, 4] for m in rest) / wr
                wo = 0
            else:
                b, x, wo = p[i, 2], p[i, 4], 0
            out[i, 4 * j : 4 * j + 4] = b, x, np.log1p(wo), (w[i] + wo) / max(w.sum(), 1)
    return out


GROUPINGS = [("path_attrs",), ("path_attrs", "path"), ("parent",), ("path_attrs", "path", "parent")]


@pytest.mark.parametrize("groupings", GROUPINGS)
def test_dom_group_columns_match_the_definition(groupings) -> None:
    page = html_to_page(HTML)
    n = len(page.lines)
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(5), size=n).astype(np.float32)
    X = np.zeros((n, len(LINE_FEATURES)), dtype=np.float32)
    X[:, _W] = np.log1p([len(ln.text.split()) for ln in page.lines])
    got = dom_group_columns(page.dom_index(), X, p, groupings)
    assert got.shape == (n, len(dom_group_names(groupings)))
    assert np.allclose(got, _naive(page, X, p, groupings), atol=1e-6)
    # the three article paragraphs share a group: each sees the other two
    paras = [i for i, ln in enumerate(page.lines) if "paragraph" in ln.text or "Third" in ln.text]
    assert len(paras) == 3 and all(got[i, 2] > 0 for i in paras)


def test_parent_groups_a_headline_with_the_paragraphs_beside_it() -> None:
    page = html_to_page(HTML)
    n = len(page.lines)
    X = np.zeros((n, len(LINE_FEATURES)), dtype=np.float32)
    X[:, _W] = np.log1p([len(ln.text.split()) for ln in page.lines])
    p = np.full((n, 5), 0.2, dtype=np.float32)
    got = dom_group_columns(page.dom_index(), X, p, ("path", "parent"))
    h1 = next(i for i, ln in enumerate(page.lines) if ln.text == "A headline here")
    assert got[h1, 2] == 0  # alone under its own path (article>h1)
    assert got[h1, 6] == pytest.approx(np.log1p(10 + 10 + 2))  # the three <p> of the article


def test_the_shipped_html_pass_2_reads_the_dom_groups() -> None:
    from cleaner.clean import classify
    from cleaner.features import REVISION_FEATURES, revision_features
    from cleaner.model import ModelError, load_model

    model = load_model()
    assert model.dom_groups == {"html": ("path_attrs", "path")}  # text: pass 2 as before
    page = html_to_page(HTML)
    X, p1, _ = classify(page, model)
    with pytest.raises(ModelError, match="needs the page"):
        model.predict(X, "html")
    net = model.networks["html/pass2"]
    R = revision_features(X, p1, 8)
    dom_group_columns(page.dom_index(), X, p1, model.dom_groups["html"], R[:, -8:])
    assert R.shape[1] == len(REVISION_FEATURES) + 8 == net.members[0].weights[0].shape[0]
    blind = R.copy()
    blind[:, -8:] = 0  # the same inputs without the groups' columns
    assert np.abs(net.predict_proba(R) - net.predict_proba(blind)).max() > 0.01
