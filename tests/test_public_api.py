"""The package's public names stay the functions the README shows, whatever was imported first.

`cleaner.clean` and `cleaner.track` are modules as well as functions; Python binds the module to
the package's name once anything imports it (clean_many imports cleaner.clean). Each check runs
in a fresh interpreter, since this test process has long imported everything."""

from __future__ import annotations

import subprocess
import sys

import pytest

STORY = (
    "Officials said on Monday that the new bridge across the river will open next spring after "
    "years of delay, and that tolls will stay at their current level for at least a year."
)

CASES = {
    "clean after clean_many imported cleaner.clean": f"""
import cleaner
from cleaner.batch import clean_many
list(clean_many([{STORY!r}]))
assert cleaner.clean({STORY!r}).body, "no body"
from cleaner import clean
assert clean({STORY!r}).body == cleaner.clean({STORY!r}).body
""",
    "clean imported first, then the module": f"""
from cleaner import clean
import cleaner.clean
assert clean({STORY!r}).body
""",
    "track after its pipeline module was imported": """
import cleaner
import cleaner.track.pipeline
wire = "TOKYO (Reuters) - The company said on Tuesday it would cut up to 500 jobs at its plant."
reports = cleaner.track([{"id": "w", "text": wire}], no_clean=True)
assert reports[0]["role"] == "wire"
""",
}


@pytest.mark.parametrize("name", list(CASES))
def test_public_functions_are_callable_whatever_was_imported_first(name: str) -> None:
    done = subprocess.run([sys.executable, "-c", CASES[name]], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
