"""Corpus labels brought to the project's taxonomy before training.

The corpora were annotated for other purposes. Dragnet's gold keeps dates, bylines and captions
with the article text, so aligning it calls them all body. L3S files bylines, datelines, agency
credits and copyright notices under "supplemental", with the captions. Left as they are, they
teach the model that "By Sarah Jones" is article text or a caption and that "Copyright 2008 The
Associated Press" is a caption. The rules here relabel only the lines that say plainly what
they are; everything else keeps the corpus's label."""

from __future__ import annotations

import re

from .corpora import GOLD_CONVENTION

_BYLINE_LIKE = re.compile(
    r"^(?:by|posted|published|updated|written by|filed under)\b|^\(?(?:ap|reuters|afp)\)?$"
    r"|^\w+ \d{1,2}, \d{4}|^\d{1,2} \w+ \d{4}|^(?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
    re.I,
)
_CAPTION_LIKE = re.compile(
    r"\((?:AP|Reuters|AFP|Getty)[^)]*(?:Photo|Images)[^)]*\)|\bPhoto(?:graph)?:|\bGetty Images\b"
    r"|\bfile photo\b|^\(?(?:photo|image|credit):",
    re.I,
)
_MONTH_OR_DAY = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
    r"|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?\b"
)
# A date and a year or a time on one line: "Fri, 18 Jan 2008 02:30:08 GMT", "12:40, Jan 13 2008",
# "Last Updated on 1/16/2008 6:56:55 PM".
_DATELINE = re.compile(
    rf"(?=.*(?:\b(?:{_MONTH_OR_DAY})|\b\d{{1,2}}[/-]\d{{1,2}}[/-]\d{{2,4}}\b))"
    r"(?=.*(?:\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d\b))",
    re.I,
)
_BY_NAME = re.compile(r"^by:?\s+[A-Z]")
_CREDIT = re.compile(
    r"contributed (?:to )?(?:this|reporting)|^\(?(?:additional )?(?:reporting|writing|editing) by\b"
    r"|^(?:the )?(?:associated press|agence france-presse|reuters|ap|afp|aap|pti|ians)\.?$",
    re.I,
)
_LEGAL = re.compile(r"©|\bcopyright\b|all rights reserved|^\(c\)", re.I)
LABEL_RULES = (
    "aligned Dragnet lines that are plainly bylines or captions get those labels; L3S's "
    "supplemental bylines, datelines and agency credits become byline, its copyright notices "
    "boilerplate (`cleaner/label_rules.py`)"
)
BYLINE_REACH = 5
"""How far (in lines) from the headline or the first body line a dateline the corpus left with
the boilerplate is still the article's own."""


def refine_labels(corpus: str, texts: list[str], labels: list[str]) -> list[str]:
    """The labels of one corpus page, with the plain bylines, captions and notices relabelled
    by the rule for that corpus's gold convention."""
    if GOLD_CONVENTION.get(corpus) == "article":
        return refine_article_labels(texts, labels)
    return refine_body_labels(texts, labels)


def refine_article_labels(texts: list[str], labels: list[str]) -> list[str]:
    """Dragnet's gold keeps dates, bylines and captions with the text, so alignment calls them
    body. Give the obvious ones their own label, so they agree with the hand-labelled pages."""
    out = list(labels)
    for i, (text, lab) in enumerate(zip(texts, labels, strict=True)):
        if lab != "body":
            continue
        n_words = len(text.split())
        if n_words <= 14 and _BYLINE_LIKE.search(text):
            out[i] = "byline"
        elif n_words <= 80 and _CAPTION_LIKE.search(text):
            out[i] = "caption"
    return out


def refine_body_labels(texts: list[str], labels: list[str]) -> list[str]:
    """L3S's "supplemental" lines (our caption) include bylines, datelines, agency credits and
    copyright notices: the first three become bylines, a notice boilerplate. A short dateline
    or "By <Name>" the gold left with the boilerplate becomes a byline when it is within
    BYLINE_REACH lines of the headline or the first body line (a comment's "Posted by ... on
    <date>" further down stays boilerplate)."""
    anchors = [i for i, lab in enumerate(labels) if lab == "title"]
    first_body = next((i for i, lab in enumerate(labels) if lab == "body"), None)
    if first_body is not None:
        anchors.append(first_body)
    out = list(labels)
    for i, (text, lab) in enumerate(zip(texts, labels, strict=True)):
        n_words = len(text.split())
        if lab == "boilerplate":
            near = any(abs(i - a) <= BYLINE_REACH for a in anchors)
            if near and n_words <= 8 and (_DATELINE.search(text) or _BY_NAME.search(text)):
                out[i] = "byline"
        elif lab == "caption":
            if _LEGAL.search(text):
                out[i] = "boilerplate"
            elif n_words <= 14 and (_BYLINE_LIKE.search(text) or _DATELINE.search(text)):
                out[i] = "byline"
            elif n_words <= 40 and _CREDIT.search(text.strip()):
                out[i] = "byline"
    return out
