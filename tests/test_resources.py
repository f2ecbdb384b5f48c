"""Finding the shipped models in a checkout and after a regular (non-editable) install."""

from __future__ import annotations

import sysconfig
from pathlib import Path

from cleaner import resources
from cleaner.model import DEFAULT_MODEL_DIR


def test_a_checkout_reads_the_models_beside_the_package() -> None:
    root = Path(__file__).resolve().parents[1]
    assert DEFAULT_MODEL_DIR == root / "models" / "line-model"
    assert resources.shipped_model_path("derive", "derive.json").is_file()


def test_an_installed_copy_is_found_under_the_data_prefix(monkeypatch, tmp_path) -> None:
    """pyproject's data-files put the models in <prefix>/share/cleaner/models."""
    monkeypatch.setattr(resources, "_CHECKOUT_MODELS", tmp_path / "no-checkout" / "models")
    installed = tmp_path / "prefix" / "share" / "cleaner" / "models" / "line-model"
    installed.mkdir(parents=True)
    monkeypatch.setattr(sysconfig, "get_path", lambda name: str(tmp_path / "prefix"))
    assert resources.shipped_model_path("line-model") == installed


def test_when_nothing_is_found_the_checkout_path_is_named(monkeypatch, tmp_path) -> None:
    missing = tmp_path / "no-checkout" / "models"
    monkeypatch.setattr(resources, "_CHECKOUT_MODELS", missing)
    monkeypatch.setattr(sysconfig, "get_path", lambda name: str(tmp_path / "empty"))
    monkeypatch.setattr(resources.sys, "prefix", str(tmp_path / "empty"))
    monkeypatch.setattr(resources.site, "getuserbase", lambda: str(tmp_path / "empty"))
    assert resources.shipped_model_path("line-model") == missing / "line-model"
