"""A reporting credit is a byline, not article text.

Agency copy ends with who reported and edited it: "(Reporting by Greg Stutchbury; Editing by
John O'Brien)", "Associated Press writer Ibrahim Barzak contributed to this report.", or the
agency's name on a line of its own. The taxonomy (labelled/README.md) files them as bylines,
but they read like the story's last sentence and the line model keeps some of them as body.
A body line that says plainly it is a credit becomes a byline here; the rule is stricter than
training's (label_rules._CREDIT) because it overrides the model: "contributed to this" must
be followed by report, story, article or reporting, so "He contributed to this success" stays
body. Chosen out of fold (bench/RESULTS.md, session 20): L3S HTML body F1 up on 17 of 18
pages it changed, text on 8 of 8."""

from __future__ import annotations

import re

CREDIT = re.compile(
    r"^\(?(?:additional )?(?:reporting|writing|editing|edited|compiled) by\b"
    r"|^\(?with inputs from\b"
    r"|\bcontributed (?:to )?(?:this (?:report|story|article)|reporting)\b"
    r"|\binformation (?:for|in) this (?:report|story) (?:was provided by|came from)\b"
    r"|^\(?(?:the )?(?:associated press|agence france-presse|reuters|ap|afp|aap|pti|ians)\.?\)?$",
    re.IGNORECASE,
)
MAX_WORDS = 40  # a credit names a few people; a longer paragraph is the story's own


def is_credit_line(text: str) -> bool:
    return CREDIT.search(text) is not None and text.count(" ") < MAX_WORDS


# Every credit holds one of these (lower-cased), or is an agency's name alone (a short line).
_CUES = (
    "reporting by", "writing by", "editing by", "edited by", "compiled by", "inputs from",
    "contributed", "information for this", "information in this",
)  # fmt: skip
_AGENCY_ALONE_CHARS = 32  # "(the agence france-presse.)" is 27: longer lines hold a cue


def mark_credit_lines(texts: list[str], labels: list[str], notes: dict[int, str]) -> None:
    """Label every body line that is a reporting credit byline, saying why. The body lines are
    searched as one text for a credit's words first (a page costs a few microseconds then)."""
    body = [i for i, label in enumerate(labels) if label == "body"]
    joined = "\n".join([texts[i] for i in body]).lower()
    cues = [cue for cue in _CUES if cue in joined]
    maybe = [
        i
        for i in body
        if len(texts[i]) <= _AGENCY_ALONE_CHARS
        or (cues and any(cue in texts[i].lower() for cue in cues))
    ]
    for i in maybe:
        if is_credit_line(texts[i]):
            labels[i] = "byline"
            notes[i] = "a reporting credit (byline)"
