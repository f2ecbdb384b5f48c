"""Cross-validation folds of the fit sites: they partition the fit sites, keep a site whole,
and never reach the held-out (test) sites."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.corpora import in_split, iter_pages, parse_fold, site_fold, site_split

SITES = [f"site{i}.example" for i in range(400)]


@pytest.mark.parametrize("folds", [2, 4, 5])
def test_folds_partition_the_fit_sites(folds: int) -> None:
    fit = {s for s in SITES if in_split("fit", s)}
    seen: set[str] = set()
    for k in range(folds):
        fold = {s for s in SITES if in_split(f"fold:{k}/{folds}", s)}
        rest = {s for s in SITES if in_split(f"fit-but:{k}/{folds}", s)}
        assert fold and rest
        assert not fold & rest  # a model trained on fit-but:K never sees fold K's sites
        assert fold | rest == fit
        assert not fold & seen  # each fit site is in exactly one fold
        seen |= fold
    assert seen == fit


def test_test_sites_are_in_no_fold() -> None:
    test_sites = [s for s in SITES if site_split(s) == "test"]
    assert test_sites
    for s in test_sites:
        assert not any(
            in_split(f"{kind}:{k}/4", s) for kind in ("fold", "fit-but") for k in range(4)
        )


def test_fold_does_not_follow_the_dev_choice() -> None:
    """Folds cut across train and dev: each fold holds sites of both."""
    for k in range(4):
        sides = {site_split(s) for s in SITES if site_fold(s, 4) == k and in_split("fit", s)}
        assert sides == {"train", "dev"}


@pytest.mark.parametrize("bad", ["fold:4/4", "fold:1", "fold:a/4", "folds:1/4", "held-out", ""])
def test_bad_splits_are_errors(bad: str) -> None:
    with pytest.raises(ValueError, match="unknown split"):
        parse_fold(bad)


@pytest.mark.parametrize(
    ("command", "split", "message"),
    [
        ("train", "fold:0/4", "cannot train on 'fold:0/4'"),
        ("train", "test", "cannot train on 'test'"),
        ("evaluate", "fold:9/4", "unknown split 'fold:9/4'"),
        ("evaluate", "cv:1", "cv:N needs N >= 2 folds"),
    ],
)
def test_the_cli_refuses_a_wrong_split(command: str, split: str, message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", command, "--split", split],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert message in done.stderr


def _fold_models(tmp_path: Path, n: int) -> Path:
    """A cv model folder whose folds are all the shipped model."""
    from cleaner.resources import shipped_model_path

    folder = tmp_path / "cv"
    folder.mkdir()
    for k in range(n):
        (folder / f"fold{k}").symlink_to(shipped_model_path("line-model"), target_is_directory=True)
    return folder


def test_cv_pools_every_fit_page_once_with_its_folds_model(tmp_path: Path, capsys) -> None:
    """With the same model in both folds, the pooled score is the fit split's, page for page."""
    from cleaner.cli import main
    from cleaner.cli_model import _shared

    if _shared(None) is None:
        pytest.skip("../shared/corpora is not beside the project")
    models = _fold_models(tmp_path, 2)
    args = ["evaluate", "--corpus", "l3s-gn1", "--input", "text", "--per-page"]
    assert main([*args, "--split", "cv:2", "--model", str(models)]) == 0
    pooled = capsys.readouterr().out.splitlines()
    assert main([*args, "--split", "fit"]) == 0
    fit = capsys.readouterr().out.splitlines()
    assert sorted(pooled[:-1]) == sorted(fit[:-1])  # each fit page once, the same score
    assert len(pooled) - 1 == sum(1 for _ in iter_pages("l3s-gn1", "fit"))
    assert json.loads(pooled[-1])["f1"] == json.loads(fit[-1])["f1"]


def test_cv_names_a_missing_fold_model(tmp_path: Path, capsys) -> None:
    from cleaner.cli import main

    models = _fold_models(tmp_path, 2)
    code = main(["evaluate", "--corpus", "l3s-gn1", "--split", "cv:3", "--model", str(models)])
    assert code == 2 and "fold2" in capsys.readouterr().err
