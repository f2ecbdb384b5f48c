"""The model is data: it loads without running code, refuses altered weights, and retrains from a
labelled folder with one command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from cleaner import clean
from cleaner.cli import main
from cleaner.model import (
    DEFAULT_MODEL_DIR,
    Ensemble,
    ModelError,
    Network,
    keep_or_remove,
    load_model,
    read_model,
)

REPO = Path(__file__).resolve().parents[1]


def test_shipped_model_loads_and_has_a_card() -> None:
    model = load_model()
    assert model.has("text") and model.has("html")
    card = json.loads((DEFAULT_MODEL_DIR / "model.json").read_text())
    assert card["weights_sha256"] and card["data_licences"] and card["training"]["pages"]
    metrics = card["held_out_metrics"]
    assert set(metrics) == {"dragnet/text", "dragnet/html", "l3s-gn1/text", "l3s-gn1/html"}
    assert all(0.5 < m["f1"] <= 1.0 for m in metrics.values())
    assert (DEFAULT_MODEL_DIR / "README.md").read_text().count("|") > 10
    assert not list(DEFAULT_MODEL_DIR.glob("*.pkl")) and not list(
        DEFAULT_MODEL_DIR.glob("*.joblib")
    )


def test_altered_weights_are_refused(tmp_path: Path) -> None:
    copy = tmp_path / "m"
    shutil.copytree(DEFAULT_MODEL_DIR, copy)
    data = bytearray((copy / "weights.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / "weights.npz").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        read_model(copy)


def test_model_for_other_features_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "m"
    shutil.copytree(DEFAULT_MODEL_DIR, copy)
    card = json.loads((copy / "model.json").read_text())
    card["features"]["pass1"] = card["features"]["pass1"][:-1]
    (copy / "model.json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="retrain"):
        read_model(copy)
    with pytest.raises(ModelError, match="missing"):
        read_model(tmp_path / "nowhere")


def test_keep_or_remove_keeps_rows_normalised() -> None:
    p1 = np.array([[0.1, 0.1, 0.6, 0.1, 0.1], [0.0, 0.0, 0.0, 0.0, 1.0]], dtype=np.float32)
    p2 = np.array([[0.0, 0.0, 0.2, 0.0, 0.8], [0.0, 0.0, 0.9, 0.0, 0.1]], dtype=np.float32)
    out = keep_or_remove(p1, p2)
    assert np.allclose(out.sum(axis=1), 1.0, atol=1e-5)
    assert out[0, 4] == pytest.approx(0.8) and out[1, 4] == pytest.approx(0.1)
    assert out[0, 2] > out[0, 0]  # pass 1 still says which kind of kept line


def test_retrain_from_a_labelled_folder_is_one_command(tmp_path: Path) -> None:
    out = tmp_path / "model"
    code = main(
        [
            "train",
            str(REPO / "labelled"),
            "-o",
            str(out),
            "--shared",
            "none",
            "--kinds",
            "text",
            "--max-iter",
            "30",
            "--cache",
            str(tmp_path / "cache"),
        ]
    )
    assert code == 0
    model = read_model(out)
    assert model.has("text") and not model.has("html")
    seed = (REPO / "examples" / "seeds" / "001_ecfab71ee9376318.txt").read_text()
    article = clean(seed, model=model)
    assert "Akasaka Palace" in article.body
    assert "tagreuters" not in article.body


def test_convert_labels_a_gold_folder_for_training(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    body = (
        "The council approved the budget on Monday after a long debate about parks.\n"
        "Members voted seven to two in favour of the plan for new playgrounds."
    )
    (pages / "a.txt").write_text("Home | News | Sport\n" + body + "\nSubscribe to our newsletter\n")
    (pages / "a.gold.txt").write_text(body)
    out = tmp_path / "labelled"
    assert main(["convert", str(pages), "-o", str(out)]) == 0
    from cleaner.labelled import read_labelled

    doc = read_labelled(out / "a.tsv")
    assert [ln.label for ln in doc.lines] == ["boilerplate", "body", "body", "boilerplate"]


def test_train_seed_is_an_option_and_is_recorded(tmp_path: Path) -> None:
    """`--seed` changes the networks' random start and the card says which seed made them."""
    weights = {}
    for seed in (0, 5):
        out = tmp_path / f"model-{seed}"
        args = ["train", str(REPO / "labelled"), "-o", str(out), "--shared", "none"]
        args += ["--kinds", "text", "--max-iter", "5", "--cache", str(tmp_path / "cache")]
        assert main([*args, "--seed", str(seed)]) == 0
        model = read_model(out)
        assert model.card["training"]["config"]["seed"] == seed
        weights[seed] = model.card["weights_sha256"]
    assert weights[0] != weights[5]


def test_train_word_model_option(tmp_path: Path, capsys) -> None:
    """`--word-model none` trains pass 1 without the word model (and the card says so); the
    model loads and cleans; an unknown kind is a usage error."""
    out = tmp_path / "no-words"
    args = ["train", str(REPO / "labelled"), "-o", str(out), "--shared", "none", "--kinds"]
    args += ["text", "--max-iter", "5", "--cache", str(tmp_path / "cache")]
    assert main([*args, "--word-model", "none"]) == 0
    model = read_model(out)
    assert model.lexical == {} and model.card["word_model_kinds"] == []
    assert not any(k.startswith("text/lexical/") for k in np.load(out / "weights.npz").files)
    assert (
        "Akasaka Palace"
        in clean(
            (REPO / "examples" / "seeds" / "001_ecfab71ee9376318.txt").read_text(), model=model
        ).body
    )
    with pytest.raises(SystemExit) as exc:
        main([*args, "--word-model", "text,pdf"])
    assert exc.value.code == 2 and "unknown input kind(s): pdf" in capsys.readouterr().err


def test_train_and_evaluate_say_what_is_missing(tmp_path: Path, capsys) -> None:
    """No labelled documents, a folder that is not there, no pages to score: a message and
    exit 2, not a traceback or a silent zero."""
    empty = tmp_path / "empty"
    empty.mkdir()
    base = ["-o", str(tmp_path / "m"), "--shared", "none", "--cache", str(tmp_path / "c")]
    assert main(["train", str(empty), *base]) == 2
    assert "cleaner train: no training data" in capsys.readouterr().err
    assert main(["train", str(tmp_path / "nowhere"), *base]) == 2
    assert "nowhere: no such folder of labelled documents" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
    assert main(["evaluate", str(empty)]) == 2
    err = capsys.readouterr().err
    assert "no pages to score (a page is <id>.txt with its gold text in <id>.gold.txt)" in err
    assert "--input" not in err
    pages = tmp_path / "html_pages"  # HTML pages scored as text by default: say the flag
    pages.mkdir()
    (pages / "a.html").write_text("<p>Words of the article.</p>")
    (pages / "a.gold.txt").write_text("Words of the article.")
    assert main(["evaluate", str(pages)]) == 2
    assert "; it has <id>.html pages: add --input html" in capsys.readouterr().err
    assert main(["evaluate", str(tmp_path / "nowhere")]) == 2
    assert "nowhere: no such folder" in capsys.readouterr().err
    assert main(["convert", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out")]) == 2
    assert "cleaner convert: " + str(tmp_path / "nowhere") + ": no such folder" in (
        capsys.readouterr().err
    )


def _network(rng: np.random.Generator, n_in: int) -> Network:
    shapes = [(n_in, 8), (8, 4), (4, 5)]
    return Network(
        mean=rng.normal(size=n_in).astype(np.float32),
        scale=np.ones(n_in, dtype=np.float32),
        weights=[rng.normal(size=s).astype(np.float32) for s in shapes],
        biases=[rng.normal(size=s[1]).astype(np.float32) for s in shapes],
    )


def test_subnormal_weights_are_made_zero_without_changing_the_output() -> None:
    """Training decays the weights of an input that never varies (HTML's has_dom) to subnormal
    floats, which the CPU multiplies slowly; the fused networks drop them, and nothing else."""
    rng = np.random.default_rng(0)
    members = [_network(rng, 6) for _ in range(3)]
    tiny = np.finfo(np.float32).tiny
    for net in members:
        net.weights[0][2, :] = tiny / 8  # the weights of input 2: subnormal
        net.weights[1][0, 1] = -tiny / 3
    X = rng.normal(size=(40, 6)).astype(np.float32)
    X[:, 2] = 1.0  # the input that never varies
    fused = Ensemble(members)
    got = fused.predict_proba(X)
    arrays = [fused._fused.first_w, *fused._fused.weights]
    assert not any(((a != 0) & (np.abs(a) < tiny)).any() for a in arrays)
    assert fused._fused.first_w[2].tolist() == [0.0] * 24
    expected = np.mean([net.predict_proba(X) for net in members], axis=0)
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_shipped_networks_run_without_subnormal_weights() -> None:
    model = load_model()
    tiny = np.finfo(np.float32).tiny
    for name, ensemble in model.networks.items():
        ensemble.predict_proba(np.zeros((1, ensemble.members[0].weights[0].shape[0]), np.float32))
        for a in (ensemble._fused.first_w, *ensemble._fused.weights):
            assert not ((a != 0) & (np.abs(a) < tiny)).any(), name


def test_train_keeps_the_kinds_it_does_not_train_from_another_model(tmp_path: Path) -> None:
    """--keep: retrain one input kind and take the other's networks, word, markup and headline
    models from a model folder, unchanged; the card says where they came from."""
    base_dir = tmp_path / "base"
    shutil.copytree(DEFAULT_MODEL_DIR, base_dir)
    base = read_model(base_dir)
    out = tmp_path / "model"
    code = main(
        ["train", str(REPO / "labelled" / "seeds"), "-o", str(out), "--shared", "none"]
        + ["--kinds", "text", "--max-iter", "5", "--keep", str(base_dir), "--no-eval"]
        + ["--cache", str(tmp_path / "cache")]
    )
    assert code == 0
    model = read_model(out)
    assert model.has("text") and model.has("html")
    for name in ("html/pass1", "html/pass2"):
        for ours, theirs in zip(
            model.networks[name].members, base.networks[name].members, strict=True
        ):
            assert all(
                np.array_equal(a, b) for a, b in zip(ours.weights, theirs.weights, strict=True)
            )
    assert np.array_equal(model.markup["html"].weights, base.markup["html"].weights)
    assert model.headline["html"].threshold == base.headline["html"].threshold
    assert not np.array_equal(  # the text networks are this run's own
        model.networks["text/pass1"].members[0].weights[0],
        base.networks["text/pass1"].members[0].weights[0],
    )
    kept = model.card["training"]["kept"]
    assert kept["kinds"] == ["html"] and kept["from"] == str(base_dir)
    assert kept["weights_sha256"] == base.card["weights_sha256"]
    assert kept["version"] == base.card["version"] and kept["command"]
    assert model.card["training"]["pages"]["html"] == base.card["training"]["pages"]["html"]
    assert "--keep" in model.card["training"]["command"]
    assert model.dom_groups["html"] == base.dom_groups["html"] == ("path_attrs", "path")
    assert (
        "html networks (and the word, markup and headline models that go with them) kept"
        in (out / "README.md").read_text()
    )

    # kept again from that model: the card still names where the html networks were trained
    again = tmp_path / "again"
    code = main(
        ["train", str(REPO / "labelled" / "seeds"), "-o", str(again), "--shared", "none"]
        + ["--kinds", "text", "--max-iter", "5", "--keep", str(out), "--no-eval"]
        + ["--cache", str(tmp_path / "cache")]
    )
    assert code == 0
    chained = read_model(again).card["training"]["kept"]
    assert {k: v for k, v in chained.items() if k != "via"} == kept
    assert chained["via"] == model.card["version"]


def test_train_keep_refuses_a_model_without_the_kind_before_training(tmp_path: Path, capsys):
    text_only = tmp_path / "text_only"
    seeds = str(REPO / "labelled" / "seeds")
    quick = ["--shared", "none", "--kinds", "text", "--max-iter", "5", "--no-eval"]
    assert main(["train", seeds, "-o", str(text_only), *quick]) == 0
    capsys.readouterr()
    out = tmp_path / "m"
    assert main(["train", seeds, "-o", str(out), *quick, "--keep", str(text_only)]) == 2
    err = capsys.readouterr().err
    assert f"--keep {text_only}: it has no html networks" in err
    assert "text:" not in err and not out.exists()  # refused before any training


def test_convert_skips_a_page_no_encoding_reads(tmp_path: Path, capsys) -> None:
    import random

    rng = random.Random(1)
    (tmp_path / "a.html").write_bytes(bytes(rng.randrange(128, 256) for _ in range(3000)))
    (tmp_path / "a.gold.txt").write_text("Words.")
    (tmp_path / "b.html").write_text("<p>The mayor opened the new bridge on Monday.</p>")
    (tmp_path / "b.gold.txt").write_text("The mayor opened the new bridge on Monday.")
    out = tmp_path / "out"
    assert main(["convert", str(tmp_path), "-o", str(out), "--input", "html"]) == 0
    err = capsys.readouterr().err
    assert "cleaner convert: a: undecodable bytes (" in err and "; skipped" in err
    assert [p.name for p in out.iterdir()] == ["b.tsv"]


def test_train_keep_needs_a_kind_left_to_keep(tmp_path: Path, capsys) -> None:
    code = main(["train", str(REPO / "labelled"), "-o", str(tmp_path / "m"), "--keep", "x"])
    assert code == 2
    assert "--keep takes the kinds not trained from a model" in capsys.readouterr().err
    code = main(
        ["train", str(REPO / "labelled"), "-o", str(tmp_path / "m"), "--kinds", "text"]
        + ["--keep", str(tmp_path / "missing"), "--shared", "none"]
    )
    assert code == 2
    assert "--keep" in capsys.readouterr().err
