"""`clean()` takes what `clean_many` and `clean_frame` take for a model: a loaded one, a model
folder's path, or None for the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import clean
from cleaner.model import DEFAULT_MODEL_DIR, ModelError

STORY = (
    "Officials said on Monday that the new bridge across the river will open next spring after "
    "years of delay, and that tolls will stay at their current level for at least a year.\n"
    "The council voted to keep the old ferry running until the bridge opens, a spokesman said."
)


@pytest.mark.parametrize("given", [str, Path])
def test_a_model_folder_path_is_loaded(given) -> None:
    article = clean(STORY, model=given(DEFAULT_MODEL_DIR))
    assert article.ok and article.body == clean(STORY).body


def test_a_path_with_no_model_raises_model_error(tmp_path: Path) -> None:
    """A set-up problem, not bad content: raised, as for an altered model (not an error
    Article saying "internal error")."""
    with pytest.raises(ModelError):
        clean(STORY, model=tmp_path / "nothing-here")


def test_load_model_takes_a_file_in_the_model_folder(tmp_path: Path) -> None:
    """What people paste: the path of model.json means its folder; another file is a clear
    ModelError, not a NotADirectoryError from deep inside."""
    from cleaner.model import NotAModelFolder, load_model

    assert load_model(DEFAULT_MODEL_DIR / "model.json") is load_model()
    stray = tmp_path / "notes.txt"
    stray.write_text("not a model")
    with pytest.raises(NotAModelFolder, match="a file, not a model folder"):
        load_model(stray)


def test_the_clean_cli_runs_numpy_on_one_blas_thread(tmp_path: Path) -> None:
    """Several BLAS threads a process made `cleaner clean --parallel 2` slower than
    `--parallel 1` on two cores, at twice the CPU; the CLI (and each worker) uses one."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from cleaner.cli import main

    page = tmp_path / "story.txt"
    page.write_text(STORY, encoding="utf-8")
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        assert main(["clean", "--format", "jsonl", "-o", str(tmp_path / "out"), str(page)]) == 0
        blas = [lib for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
        assert blas and all(lib["num_threads"] == 1 for lib in blas)
