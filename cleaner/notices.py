"""A copyright notice is never article text.

"Copyright 2008 The Associated Press. All rights reserved. This material may not be published,
broadcast, rewritten or redistributed." sits right under many agency stories, reads like a
sentence of the story, and the line model keeps some of them as body. A line that says "all
rights reserved", or starts with "©" or "Copyright" and a year, is boilerplate here. Chosen on
the dev sites (bench/RESULTS.md, model 0.8.0): every page it changed there scored better."""

from __future__ import annotations

import re

NOTICE = re.compile(
    r"all rights reserved|^\s*(?:copyright|©)\s*(?:\(c\)\s*)?(?:19|20)\d\d", re.IGNORECASE
)
MAX_WORDS = 60  # a notice is a line or two; a longer paragraph that says so is about it


def is_copyright_notice(text: str) -> bool:
    return NOTICE.search(text) is not None and text.count(" ") < MAX_WORDS


_CUES = ("rights reserved", "copyright", "©")  # one of them is in every notice, lower-cased


def cut_copyright_notices(texts: list[str], labels: list[str], notes: dict[int, str]) -> None:
    """Label every kept line that is a copyright notice boilerplate, saying why. Runs on every
    page: the kept lines are searched as one text for a notice's words first."""
    kept = [i for i, label in enumerate(labels) if label != "boilerplate"]
    joined = "\n".join([texts[i] for i in kept]).lower()
    if not any(cue in joined for cue in _CUES):
        return
    for i in kept:
        if is_copyright_notice(texts[i]):
            labels[i] = "boilerplate"
            notes[i] = "a copyright notice"
