"""The switch between compiled kernels and the pure-Python reference, and how it is reported.
(Parity of each kernel with its Python twin: tests/test_speedups_*.py.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

from cleaner import speedups
from cleaner.cli import main, version_text


def test_pure_python_switch_turns_every_kernel_off(monkeypatch):
    monkeypatch.setenv(speedups.PURE_PYTHON_ENV, "1")
    assert speedups.pure_python_forced()
    assert speedups.status() == {name: False for name in speedups.KERNELS}
    assert all(speedups.kernel(name) is None for name in speedups.KERNELS)


@pytest.mark.parametrize("value", ["", "0"])
def test_switch_off_values_leave_kernels_alone(monkeypatch, value):
    monkeypatch.setenv(speedups.PURE_PYTHON_ENV, value)
    assert not speedups.pure_python_forced()


def test_unknown_kernel_is_none_not_an_error():
    assert speedups.kernel("_no_such_kernel") is None


def test_version_names_each_kernel_and_its_state(monkeypatch, capsys):
    monkeypatch.setenv(speedups.PURE_PYTHON_ENV, "1")
    text = version_text()
    for name in speedups.KERNELS:
        assert f"{name} python" in text
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == text


def test_version_in_a_fresh_process_reports_what_is_built():
    out = subprocess.run(
        [sys.executable, "-m", "cleaner", "--version"], capture_output=True, text=True, check=True
    ).stdout
    for name, on in speedups.status().items():
        assert f"{name} {'compiled' if on else 'python'}" in out


def test_output_is_byte_identical_across_hash_seeds_and_paths():
    """Same input and model, same bytes: whatever the process's hash seed (the kernels hash
    words with it) and whether the kernels or the pure-Python code ran."""
    import os
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[1] / "examples" / "seeds"
    outputs = set()
    for hash_seed, pure in (("1", "0"), ("2", "0"), ("3", "1")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, speedups.PURE_PYTHON_ENV: pure}
        done = subprocess.run(
            [sys.executable, "-m", "cleaner", "clean", str(seeds), "--format", "labels"],
            capture_output=True,
            check=True,
            env=env,
        )
        assert done.stdout.count(b"# id: ") == len(list(seeds.glob("*.txt")))
        outputs.add(done.stdout)
    assert len(outputs) == 1


_TEXT_KERNEL = speedups.kernel("_linestats")


@pytest.mark.skipif(_TEXT_KERNEL is None, reason="cleaner._linestats is not built")
def test_compiled_surrogate_test_agrees_with_the_encoder(monkeypatch) -> None:
    """text.without_lone_surrogates asks the kernel whether a str holds a surrogate instead of
    encoding it: the same answer as the UTF-8 encoder's, on 1-, 2- and 4-byte strings."""
    import random

    from cleaner import text as text_module

    rng = random.Random(3)
    alphabet = [
        "a",
        "é",
        "ÿ",
        "€",
        "中",
        "\ud7ff",
        "\ud800",
        "\udbff",
        "\udc00",
        "\udfff",
        "\ue000",
        "\U0001f600",
        "\ufffd",
    ]
    samples = ["", "plain", "é" * 5]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(3000)
    ]
    for sample in samples:
        try:
            sample.encode("utf-8")
            refused = False
        except UnicodeEncodeError:
            refused = True
        assert _TEXT_KERNEL.has_surrogates(sample) == refused, repr(sample)
    compiled = [text_module.without_lone_surrogates(s) for s in samples]
    monkeypatch.setattr(text_module, "_kernel", None)
    assert compiled == [text_module.without_lone_surrogates(s) for s in samples]


@pytest.mark.skipif(_TEXT_KERNEL is None, reason="cleaner._linestats is not built")
@pytest.mark.parametrize("wide", ["é", "€", "\U0001f600"])
def test_compiled_surrogate_test_finds_one_anywhere_in_a_long_text(wide: str) -> None:
    """The kernel tests code units a block at a time: a surrogate is found wherever it sits
    (first, last, either side of a block's end), and a long text without one is clean."""
    for n in (1, 511, 512, 513, 1024, 5000):
        text = wide * n
        assert not _TEXT_KERNEL.has_surrogates(text)
        for at in sorted({0, n // 2, 511, 512, 513, n - 1, n} & set(range(n + 1))):
            for half in ("\ud800", "\udbff", "\udc00", "\udfff"):
                assert _TEXT_KERNEL.has_surrogates(text[:at] + half + text[at:])
        assert not _TEXT_KERNEL.has_surrogates(text + "\ud7ff\ue000")


@pytest.mark.skipif(_TEXT_KERNEL is None, reason="cleaner._linestats is not built")
def test_compiled_surrogate_test_reads_all_bits_of_a_wide_code_point() -> None:
    """Astral code points whose low 16 bits look like a surrogate (U+1D800, U+10DFFF) are not
    one: the test reads the whole 4-byte code unit, not its low half."""
    for cp in (0x1D800, 0x1DFFF, 0x2D9AB, 0x10D800, 0x10DFFF):
        assert not _TEXT_KERNEL.has_surrogates("€" + chr(cp) * 600)
        assert _TEXT_KERNEL.has_surrogates(chr(cp) * 600 + "\udc00")
