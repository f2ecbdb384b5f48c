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
# Dotted and ISO dates with a time ("06.01.2008 01:07", "2007-11-24 16:23:08"): never a headline.
# Only keep_one_headline reads them: taught as bylines in the text networks' labels as well, they
# cost Dragnet text 0.003 dev F1 over four seeds (RESULTS, model 0.7.0).
_NUMERIC_DATELINE = re.compile(
    r"(?:\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|\b\d{4}-\d\d-\d\d\b).*\b\d{1,2}:\d\d\b"
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
    "boilerplate; aligned L3S pages keep one headline (`cleaner/label_rules.py`)"
)
BYLINE_REACH = 5
"""How far (in lines) from the headline or the first body line a dateline the corpus left with
the boilerplate is still the article's own."""


def refine_labels(
    corpus: str,
    texts: list[str],
    labels: list[str],
    *,
    aligned: bool = False,
    html_title: str | None = None,
) -> list[str]:
    """The labels of one corpus page, with the plain bylines, captions and notices relabelled
    by the rule for that corpus's gold convention. `aligned`: the labels come from aligning a
    gold text (corpora.labels_from_gold), not from the corpus's own line labels; L3S's then
    hold several titles a page (see keep_one_headline)."""
    if GOLD_CONVENTION.get(corpus) == "article":
        return refine_article_labels(texts, labels)
    if aligned:
        labels = keep_one_headline(texts, labels, html_title)
    return refine_body_labels(texts, labels)


_WORD = re.compile(r"\w+")


def keep_one_headline(texts: list[str], labels: list[str], html_title: str | None) -> list[str]:
    """Aligning L3S's fuller gold calls every short line above the body that it holds a
    "title": the headline, but also its datelines, bylines and credits (two to five a page).
    Keep the one headline, the title line sharing most words with the page's <title> (the first
    on a tie) that is not a byline or dateline; the others become captions, which
    refine_body_labels then sorts into bylines, notices and captions."""
    titles = [i for i, lab in enumerate(labels) if lab == "title"]
    if not titles:
        return labels
    page_title = set(_WORD.findall((html_title or "").lower()))
    candidates = [
        i for i in titles if not (_byline_like(texts[i]) or _NUMERIC_DATELINE.search(texts[i]))
    ]
    keep = max(
        candidates,
        key=lambda i: (len(page_title & set(_WORD.findall(texts[i].lower()))), -i),
        default=None,
    )
    out = list(labels)
    for i in titles:
        if i != keep:
            out[i] = "caption"
    return out


def _byline_like(text: str) -> bool:
    """A short "By ..."/"Posted ..." line, a dateline, or an agency credit or trailer."""
    n_words = len(text.split())
    if n_words <= 14 and (
        _BYLINE_LIKE.search(text) or _DATELINE.search(text) or _BY_NAME.search(text)
    ):
        return True
    return n_words <= 40 and bool(_CREDIT.search(text.strip()))


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
            elif _byline_like(text):
                out[i] = "byline"
    return out
