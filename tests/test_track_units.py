"""Units of wire tracking: agency marks and credit, sentence splitting, alignment, the index,
the derivation model's persistence and training."""

from __future__ import annotations

import json

import pytest

from cleaner.track.align import align, split_sentences
from cleaner.track.derive import CLASSES, DeriveModel, default_model, features
from cleaner.track.index import WireIndex, terms
from cleaner.track.wire import credits, detect_agency, is_agency_outlet

WIRE = (
    "HELSINKI (Reuters) - Finnish police arrested three men on Monday after a protest near the "
    "presidential palace turned violent, officials said.\n"
    "The men, aged 23 to 41, were held overnight and could face charges of assault, police "
    "spokeswoman Anna Virtanen said.\n"
    "About 2,000 people joined the march, which organisers had billed as peaceful.\n"
    "The city council will review security arrangements on Thursday, according to a statement.\n"
    "(Reporting by Jussi Rosendahl; Editing by Alison Williams)"
)


@pytest.mark.parametrize(
    "text, agency",
    [
        ("TOKYO (Reuters) -U.S. President Donald Trump signed", "Reuters"),
        ("WASHINGTON (AP) — President Donald Trump's persistence", "AP"),
        ("By The Associated Press\nWith a wink and a slouch", "AP"),
        ("Bloomberg\nBloomberg • 2 min read\n(Oct 28): The US and Japan", "Bloomberg"),
        ("PARIS (AFP) - France said", "AFP"),
        ("Some story.\n(Reporting by A B; Editing by C D)", "Reuters"),
        ("Photograph by Brendan Smialowski / AFP / Getty\nTrump met Putin.", None),
        ("Trump met Putin, Reuters reported on Monday.", None),  # credit, not a copy
    ],
)
def test_detect_agency(text, agency):
    assert detect_agency(text) == agency


def test_credit():
    assert credits("Trump met Putin, Reuters reported.", "Reuters")
    assert credits("HELSINKI (AP) — Trump met Putin.", "AP")
    assert credits("according to the Associated Press, the talks ended", "AP")
    assert not credits("Photo: Evan Vucci/AP\nTrump met Putin.", "AP")
    assert not credits("Trump met Putin in Helsinki.", "Reuters")
    assert not credits("Trump met Putin, Reuters reported.", None)


@pytest.mark.parametrize(
    "outlet, agency, own",
    [
        ("apnews.com", "AP", True),
        ("www.apnews.com", "AP", True),
        ("https://apnews.com/article/x", "AP", True),
        ("hosted.ap.org", "AP", True),
        ("The Associated Press", "AP", True),
        ("japantimes.co.jp", "AP", False),  # was AP's: "ap" is in "japantimes"
        ("capnews.com", "AP", False),
        ("apnews.com.example.net", "AP", False),
        ("uk.reuters.com", "Reuters", True),
        ("Reuters", "Reuters", True),
        ("notreuters.com", "Reuters", False),
        ("reuters.com", "AP", False),
        ("afp.com", "AFP", True),
        ("safp.com", "AFP", False),
        ("bloomberg.com", "Bloomberg", True),
        ("bloombergquint.com", "Bloomberg", False),
        ("yahoo.com/news", "Reuters", False),
        (None, "AP", False),
        ("apnews.com", None, False),
    ],
)
def test_agency_outlet_matches_whole_host_labels(outlet, agency, own):
    assert is_agency_outlet(outlet, agency) is own


def test_split_sentences_offsets_and_abbreviations():
    text = "U.S. President Trump met Mr. Putin. They talked for 2 hours!\n“It was good,” he said."
    spans = split_sentences(text)
    got = [text[s:e] for s, e in spans]
    assert got == [
        "U.S. President Trump met Mr. Putin.",
        "They talked for 2 hours!",
        "“It was good,” he said.",
    ]


def test_align_kinds_and_wire_status():
    rewrite = (
        "Finnish police arrested three men on Monday after a protest near the presidential "
        "palace turned violent, officials said.\n"
        "Police detained the three suspects, aged 23 to 41, overnight; assault charges could "
        "follow, said spokeswoman Anna Virtanen.\n"
        "The weather in Helsinki was sunny and warm all week long."
    )
    al = align(rewrite, {"w": WIRE})
    kinds = [sp.kind for sp in al.spans]
    assert kinds[0] == "verbatim" and al.spans[0].wire_id == "w"
    assert "rewrite" in kinds and kinds[-1] == "new"
    assert al.spans[-1].wire_id is None
    assert al.spans[-1].end == len(rewrite)
    first = al.spans[0]
    assert "arrested three men" in WIRE[first.wire_start : first.wire_end]
    status = [w.status for w in al.wire_sentences]
    assert status[0] == "kept" and status[1] == "paraphrased" and "dropped" in status
    assert 0 < al.share("new") < 0.4 and al.share("verbatim") > 0.3


def test_align_unrelated_is_all_new():
    al = align("The orchestra played Sibelius to a full hall in Turku.", {"w": WIRE})
    assert [sp.kind for sp in al.spans] == ["new"] and al.aligned_sentences == 0


def _wires(n: int) -> list[tuple[str, str]]:
    # Distinct synthetic wires: each has its own rare tokens (names, numbers).
    out = []
    for i in range(n):
        out.append(
            (
                f"w{i:03d}",
                f"Minister Aalto{i} said the fund{i} would pay {100 + i} million "
                f"euros to region{i} farmers. The plan{i} starts in {1990 + i}. Critics of "
                f"Aalto{i} said region{i} needed more than fund{i} offered.",
            )
        )
    return out


def test_index_finds_copy_and_paraphrase_not_others():
    idx = WireIndex().extend(_wires(300))
    copy = dict(_wires(300))["w123"]
    assert idx.candidates(copy, k=1)[0].wire_id == "w123"
    para = (
        "Region123 farmers will get 223 million euros from fund123, minister Aalto123 "
        "announced; plan123 begins in 2113."
    )
    cands = idx.candidates(para, k=3)
    assert cands[0].wire_id == "w123" and cands[0].containment < 0.2
    assert idx.candidates("Nothing to do with any of this at all, truly.", k=3) == [] or all(
        c.score < 0.1 for c in idx.candidates("Nothing to do with any of this at all.", k=3)
    )


def test_index_query_touches_few_wires():
    # The proposer reads only postings of rare terms: a query sharing one common word with every
    # wire must not pull them all in.
    idx = WireIndex(min_max_df=5).extend(_wires(200))
    cands = idx.candidates("Minister said farmers euros critics needed offered.", k=200)
    assert len(cands) < 20


def test_terms_stem_and_drop_stopwords():
    assert terms("China's tariffs were 12% of the 2028-2033 deal") == [
        "china",
        "tariff",
        "12",
        "2028",
        "2033",
        "deal",
    ]


def test_model_roundtrip_and_hash_check(tmp_path):
    model = default_model()
    row = dict.fromkeys(features(align("x", {})), 0.0)
    assert model.predict(row).label == "non"
    path = tmp_path / "m.json"
    model.save(path)
    again = DeriveModel.load(path)
    assert again.predict(row).probs == model.predict(row).probs
    body = json.loads(path.read_text())
    body["coef"][0][0] += 1.0
    path.write_text(json.dumps(body))
    with pytest.raises(ValueError, match="sha256"):
        DeriveModel.load(path)


def _examples() -> list[dict]:
    wires = _wires(6)
    out = []
    for i, (wid, text) in enumerate(wires):
        other = wires[(i + 3) % 6][1]
        out.append(
            {
                "rewrite": {"id": f"c{i}", "text": text},
                "wires": [{"id": wid, "text": text}],
                "label": "wholly",
            }
        )
        half = text.split(". ")[0] + ". " + other.split(". ")[1]
        out.append({"rewrite": {"id": f"p{i}", "text": half}, "wires": [wid], "label": "partially"})
        out.append(
            {
                "rewrite": {
                    "id": f"n{i}",
                    "text": f"The orchestra played Sibelius in Turku for the {i}th time.",
                },
                "wires": [wid],
                "label": "non",
            }
        )
    return out


def test_derive_train_cli(tmp_path):
    from cleaner.cli import main

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": w, "text": t}) + "\n" for w, t in _wires(6)))
    ex = tmp_path / "ex.jsonl"
    ex.write_text("".join(json.dumps(e) + "\n" for e in _examples()))
    out = tmp_path / "w.json"
    assert main(["derive", "train", str(ex), "--corpus", str(corpus), "-o", str(out)]) == 0
    model = DeriveModel.load(out)
    assert model.meta_["examples"] == 18
    assert tuple(json.loads(out.read_text())["classes"]) == CLASSES
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"rewrite": "nope", "wires": ["w000"], "label": "wholly"}) + "\n")
    assert main(["derive", "train", str(bad), "--corpus", str(corpus), "-o", str(out)]) == 2
