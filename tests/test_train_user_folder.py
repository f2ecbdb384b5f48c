"""Training on a user's own labelled folder, and the train/evaluate commands' failures.

A user's folder is small and unlike the project's: two labels ("article or not"), one outlet,
one page. Training on it must work, its model card must say what it learnt from, and a bad
argument must give one line and exit 2, not a traceback.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from cleaner import clean
from cleaner.article import LABELS
from cleaner.cli import main
from cleaner.model import DEFAULT_MODEL_DIR, card_markdown, read_model

pytest.importorskip("sklearn")

REPO = Path(__file__).resolve().parents[1]
PAGE = (REPO / "examples" / "seeds" / "001_ecfab71ee9376318.txt").read_text()
FAST = ["--shared", "none", "--no-eval", "--max-iter", "5"]

STORIES = [
    ("Council approves new riverside park", "The council voted on Monday to build the park."),
    ("Bakery wins national bread award", "A family bakery on Mill Street won the award."),
    ("Storm closes mountain pass", "Snow and high winds closed the pass for a third day."),
    ("University opens new library wing", "The new wing adds four hundred study places."),
]


def _doc(title: str, body: str, site: str, licence: str | None, two_labels: bool) -> str:
    """A small labelled page; with two_labels only body and boilerplate are used."""
    head = "body" if two_labels else "title"
    byline = "body" if two_labels else "byline"
    header = [f"# site: {site}", "# outlet: Example"]
    header += [f"# licence: {licence}"] if licence else []
    rows = [
        "boilerplate\tHome | World | Business | Sport",
        "boilerplate\tSubscribe to our newsletter",
        f"{head}\t{title}",
        f"{byline}\tBy Sam Baker, 12 May 2024",
        f"body\t{body} Residents said they had waited for years and welcomed the news.",
        "body\tOfficials said the work would start next spring and take about a year.",
        "boilerplate\tRelated: Five things to do this weekend",
        "boilerplate\tShare on Facebook Share on X",
    ]
    return "\n".join([*header, "# split: train", *rows]) + "\n"


def _folder(
    root: Path,
    name: str,
    *,
    n: int = 4,
    one_site: bool = False,
    two_labels: bool = False,
    licences: tuple[str | None, ...] = ("written by me, CC0",),
) -> Path:
    folder = root / name
    folder.mkdir()
    for i, (title, body) in enumerate(STORIES[:n]):
        site = "one-outlet.test" if one_site else f"site{i}.test"
        licence = licences[i % len(licences)]
        (folder / f"p{i}.tsv").write_text(
            _doc(title, body, site, licence, two_labels), encoding="utf-8"
        )
    return folder


def _train(folder: Path | list[Path], out: Path, *extra: str) -> int:
    folders = [str(f) for f in (folder if isinstance(folder, list) else [folder])]
    return main(["train", *folders, "-o", str(out), *FAST, *extra])


# --- user folders that crashed training ---------------------------------------------------------


def test_two_labels_train_a_model_with_all_five_label_columns(tmp_path: Path) -> None:
    """An "article or not" labelling (body and boilerplate only): sklearn fits one logistic
    unit then; the saved networks still give the five labels, the absent ones probability 0."""
    out = tmp_path / "m"
    assert _train(_folder(tmp_path, "two", two_labels=True), out) == 0
    model = read_model(out)
    for key, ensemble in model.networks.items():
        for net in ensemble.members:
            assert net.weights[-1].shape[1] == len(LABELS), key
    pass1 = model.networks["text/pass1"]
    X = np.random.default_rng(0).normal(size=(20, pass1.members[0].mean.size))
    probs = pass1.predict_proba(X.astype(np.float32))
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    absent = [LABELS.index(label) for label in ("title", "byline", "caption")]
    assert probs[:, absent].max() < 1e-6
    assert model.predicts("text", "body") and not model.predicts("text", "byline")
    article = clean(PAGE, model=model)
    # no rule brings in a label the model was not taught (the seed has a reporting credit)
    assert {ln.label for ln in article.lines} <= {"body", "boilerplate"}
    # no page marks a headline: no headline ranker, and no title is invented
    assert model.headline == {} and model.card["headline_kinds"] == []
    assert article.title is None


def test_a_folder_with_titles_trains_a_headline_ranker(tmp_path: Path) -> None:
    out = tmp_path / "m"
    assert _train(_folder(tmp_path, "five"), out) == 0
    model = read_model(out)
    assert set(model.headline) == {"text"}
    assert clean(PAGE, model=model).error is None


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_two_label_output_layer_is_the_logistic_unit() -> None:
    """The softmax over (0, z) that the saved layer runs is sklearn's sigmoid(z)."""
    from sklearn.neural_network import MLPClassifier

    from cleaner.train import _softmax_over_labels

    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 4))
    y = np.where(X[:, 0] + X[:, 1] > 0, LABELS.index("boilerplate"), LABELS.index("body"))
    clf = MLPClassifier(hidden_layer_sizes=(6,), max_iter=200, random_state=0).fit(X, y)
    w, b = _softmax_over_labels(clf.coefs_[-1], clf.intercepts_[-1], clf.classes_)
    h = np.maximum(X @ clf.coefs_[0] + clf.intercepts_[0], 0) @ w + b
    p = np.exp(h - h.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p[:, clf.classes_], clf.predict_proba(X), atol=1e-5)


def test_one_site_or_one_document_trains_and_says_how_it_held_out(tmp_path: Path, capsys) -> None:
    """Pages of one outlet share one site, so no site can be held out for the out-of-fold
    scores: training falls back to documents (or, for one document, half pages)."""
    assert _train(_folder(tmp_path, "site", one_site=True), tmp_path / "m1") == 0
    assert "held out by document instead" in capsys.readouterr().err
    assert _train(_folder(tmp_path, "one", n=1), tmp_path / "m2") == 0
    assert "held out by half page instead" in capsys.readouterr().err
    assert read_model(tmp_path / "m2").has("text")
    # and the cards say so, not "by site"
    for folder, unit in (("m1", "document"), ("m2", "half page")):
        card = json.loads((tmp_path / folder / "model.json").read_text())
        assert card["training"]["held_out_by"] == {"text": unit}
        readme = (tmp_path / folder / "README.md").read_text()
        assert "by site" not in readme
    assert "made out-of-fold by document in training" in (tmp_path / "m1" / "README.md").read_text()


def test_one_label_only_is_a_message(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "bodies"
    folder.mkdir()
    (folder / "a.tsv").write_text("# site: a.test\nbody\tOne line.\nbody\tAnother line.\n")
    assert _train(folder, tmp_path / "m") == 2
    assert "every training line is labelled body" in capsys.readouterr().err


def test_a_bad_document_is_named_not_a_traceback(tmp_path: Path, capsys) -> None:
    folder = _folder(tmp_path, "bad")
    (folder / "z.tsv").write_text("# site: z.test\ntitle\tHello\nbody\t\n")
    assert _train(folder, tmp_path / "m") == 2
    err = capsys.readouterr().err
    assert f"cleaner train: {folder / 'z.tsv'}:3: a body row with no text" in err
    assert not (tmp_path / "m").exists()


def test_a_folder_given_twice_is_read_once(tmp_path: Path, capsys) -> None:
    folder = _folder(tmp_path, "mine")
    assert _train([folder, folder / ".." / "mine"], tmp_path / "m") == 0
    assert "4 documents already read through another folder given" in capsys.readouterr().err
    assert read_model(tmp_path / "m").card["training"]["pages"]["text"]["labelled"] == 4


def test_test_split_documents_left_out_are_mentioned(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "held"
    folder.mkdir()
    (folder / "a.tsv").write_text("# site: a.test\n# split: test\nbody\tText.\n")
    assert _train(folder, tmp_path / "m") == 2
    err = capsys.readouterr().err
    assert "1 document marked '# split: test'; left out of training" in err
    assert "no training data" in err


# --- the model card says what the model learnt from ---------------------------------------------


def test_card_of_a_user_model_lists_only_its_data_and_licences(tmp_path: Path) -> None:
    out = tmp_path / "m"
    folder = _folder(tmp_path, "mine", licences=("written by me, CC0", None))
    assert _train(folder, out, "--seed", "3") == 0
    card = json.loads((out / "model.json").read_text())
    assert card["data_licences"] == [
        f"{folder}: 4 labelled documents, under the licences their headers state: "
        "not stated (2); written by me, CC0 (2)"
    ]
    assert card["training"]["labelled_folders"] == {
        str(folder): {"documents": 4, "licences": {"not stated": 2, "written by me, CC0": 2}}
    }
    command = f"cleaner train {folder} -o {out} --shared none --max-iter 5 --seed 3 --no-eval"
    assert card["training"]["command"] == command
    # what a retrain elsewhere would need to match: the libraries and the BLAS kernel
    environment = card["training"]["environment"]
    assert environment["numpy"] == np.__version__ and isinstance(environment["blas"], list)
    assert all(len(entry.split()) == 3 for entry in environment["blas"])  # api version kernel
    readme = (out / "README.md").read_text()
    blas = "; ".join(environment["blas"]) or "not detected"  # macOS Accelerate: none listed
    assert f"scikit-learn {environment['scikit-learn']}, BLAS {blas} (" in readme
    assert environment["threads"] == 1 and ", on 1 thread)." in readme  # see one_blas_thread
    for absent in ("Dragnet", "L3S", "AGPL", "cleaner team", "seed scrapes", "text scrape, HTML"):
        assert absent not in readme, absent
    assert "Two passes of a small MLP for text scrapes" in readme
    assert f"Retrain: `{command}`." in readme


def test_the_projects_card_keeps_its_wording() -> None:
    """Trained on the project's labelled/ and the corpora, the card says what it always said:
    the licence lines come out the same for the shipped model's sources, and its README is
    card_markdown of its card."""
    from cleaner.train import data_licences, labelled_record

    card = json.loads((DEFAULT_MODEL_DIR / "model.json").read_text())
    record = labelled_record([REPO / "labelled"], log=lambda _: None)
    assert data_licences(record, card["training"]["pages"]) == card["data_licences"]
    assert card_markdown(card) == (DEFAULT_MODEL_DIR / "README.md").read_text()
    command = card["training"]["command"]  # 0.8.1: --kinds html --keep models/line-model
    assert command.startswith("cleaner train labelled -o models/line-model")
    assert f"Retrain: `{command}`." in card_markdown(card)
    text_only = dict(card, networks=["text/pass1", "text/pass2"])
    assert "per input kind (text scrape, HTML)" not in card_markdown(text_only)


# --- bad arguments: one line, exit 2 ------------------------------------------------------------


def test_train_needs_an_output_folder(tmp_path: Path, capsys) -> None:
    """Without -o, training used to overwrite the shipped model. (The folder given is not
    there, so that code without the fix stops before it writes anything.)"""
    with pytest.raises(SystemExit) as exc:
        main(["train", str(tmp_path / "nowhere"), "--shared", "none"])
    assert exc.value.code == 2
    assert "-o/--out" in capsys.readouterr().err


def test_train_refuses_an_output_it_cannot_write_before_training(tmp_path: Path, capsys) -> None:
    a_file = tmp_path / "page.txt"
    a_file.write_text("not a folder")
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.md").write_text("mine")
    folder = _folder(tmp_path, "mine")
    for out, why in (
        (a_file, "not a folder"),
        (a_file / "m", f"{a_file} is not a folder"),
        (other, "a folder with other files in it"),
    ):
        assert _train(folder, out) == 2
        err = capsys.readouterr().err
        assert f"cleaner train: cannot write the model to {out}: {why}" in err
        assert "Traceback" not in err and "model written" not in err
    assert (other / "notes.md").read_text() == "mine" and not (other / "README.md").exists()


def test_train_reports_a_file_it_cannot_read_or_write(tmp_path: Path, capsys, monkeypatch) -> None:
    """An unreadable document or cache, a full disk when saving: one line and exit 2."""
    import cleaner.model
    import cleaner.train

    folder = _folder(tmp_path, "mine")

    def unreadable(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(folder / "p0.tsv"))

    with monkeypatch.context() as patch:
        patch.setattr(cleaner.train, "train_model", unreadable)
        assert _train(folder, tmp_path / "m") == 2
    err = capsys.readouterr().err
    assert f"cleaner train: [Errno 13] Permission denied: '{folder / 'p0.tsv'}'" in err

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cleaner.model, "save_model", disk_full)
    assert _train(folder, tmp_path / "m") == 2
    err = capsys.readouterr().err
    assert f"cleaner train: cannot write the model to {tmp_path / 'm'} (No space left" in err


def test_train_rejects_an_unknown_kind(tmp_path: Path, capsys) -> None:
    """A misspelt kind trained nothing it was meant to (with the corpora, HTML networks)."""
    with pytest.raises(SystemExit) as exc:
        main(["train", str(tmp_path / "nowhere"), "-o", str(tmp_path / "m"), "--kinds", "txet"])
    assert exc.value.code == 2 and "unknown input kind(s): txet" in capsys.readouterr().err


@pytest.fixture(scope="module")
def gold_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gold")
    body = "The council approved the budget on Monday after a long debate about the parks."
    (folder / "a.txt").write_text(f"Home | News\n{body}\nSubscribe to our newsletter\n")
    (folder / "a.gold.txt").write_text(body)
    return folder


def test_evaluate_with_a_bad_model_says_so_in_one_line(
    tmp_path: Path, gold_folder: Path, capsys
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(DEFAULT_MODEL_DIR, broken)
    data = bytearray((broken / "weights.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (broken / "weights.npz").write_bytes(bytes(data))
    stray = tmp_path / "stray.json"
    stray.write_text("{}")
    for model, says in (
        (tmp_path / "nosuch", "model.json is missing"),
        (broken, "sha256"),
        (stray, "a file, not a model folder"),
    ):
        assert main(["evaluate", str(gold_folder), "--model", str(model)]) == 2
        out, err = capsys.readouterr()
        assert err.startswith("cleaner evaluate: ") and says in err, err
        assert err.count("\n") == 1 and out == ""


def test_evaluate_takes_a_file_in_the_model_folder_as_the_folder(
    tmp_path: Path, gold_folder: Path, capsys
) -> None:
    copy = tmp_path / "m"
    shutil.copytree(DEFAULT_MODEL_DIR, copy)
    assert main(["evaluate", str(gold_folder), "--model", str(copy / "model.json")]) == 0
    assert json.loads(capsys.readouterr().out)["pages"] == 1


def test_evaluate_names_the_files_it_cannot_score(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    body = "The council approved the budget on Monday after a long debate about the parks."
    (folder / "a.txt").write_text(f"Home | News\n{body}\n")
    (folder / "a.gold.txt").write_text(body)
    (folder / "nogold.txt").write_text(body)
    (folder / "nopage.gold.txt").write_text(body)
    (folder / "blank.txt").write_text(body)
    (folder / "blank.gold.txt").write_text("  \n")
    assert main(["evaluate", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["pages"] == 1
    assert "1 page without a gold text (<id>.gold.txt), not scored: nogold" in err
    assert "1 gold text without its page (<id>.txt), not scored: nopage" in err
    assert "1 empty gold text, not scored: blank" in err


def test_evaluate_a_folder_and_a_corpus_together_is_a_usage_error(
    gold_folder: Path, capsys
) -> None:
    assert main(["evaluate", str(gold_folder), "--corpus", "dragnet"]) == 2
    assert "give a folder or --corpus, not both" in capsys.readouterr().err


def test_a_fold_left_with_one_label_still_trains(tmp_path: Path, capsys) -> None:
    """One site, two documents, one of them all boilerplate (a page with no article is a fair
    example): holding out the story leaves the word model one label to learn from in that
    fold. Its scores are then in-sample, not a crash."""
    folder = tmp_path / "two"
    folder.mkdir()
    title, body = STORIES[0]
    (folder / "story.tsv").write_text(_doc(title, body, "one.test", None, False), encoding="utf-8")
    menu = "\n".join(f"boilerplate\tShare on Facebook Share on X menu {i}" for i in range(12))
    (folder / "menu.tsv").write_text("# site: one.test\n" + menu + "\n", encoding="utf-8")
    assert _train(folder, tmp_path / "m") == 0, capsys.readouterr().err
    assert read_model(tmp_path / "m").has("text")


def test_training_runs_every_blas_and_openmp_pool_on_one_thread(tmp_path: Path) -> None:
    """The weights must not depend on the machine's core count: a BLAS and scikit-learn's
    OpenMP loops may split their sums by thread. threadpoolctl
    limits only the libraries loaded when it is called, and `cleaner train` loads scikit-learn's
    OpenMP and scipy's BLAS after its start: run in a fresh process that asks for four threads
    everywhere, every pool must be on one after training."""
    import os
    import subprocess
    import sys

    folder = _folder(tmp_path, "four")
    script = (
        "import json\n"
        "from threadpoolctl import threadpool_info\n"
        "from cleaner.cli import main\n"
        f"code = main(['train', {str(folder)!r}, '-o', {str(tmp_path / 'm')!r}, *{FAST!r}])\n"
        "pools = [[p['internal_api'], p['num_threads']] for p in threadpool_info()]\n"
        "print(json.dumps([code, pools]))\n"
    )
    many = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "4")
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, **many},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    code, pools = json.loads(done.stdout.strip().splitlines()[-1])
    assert code == 0
    apis = {api for api, _ in pools}
    assert "openblas" in apis and "openmp" in apis, pools  # the pools training uses were seen
    assert all(threads == 1 for _, threads in pools), pools
