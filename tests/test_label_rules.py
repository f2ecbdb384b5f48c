"""Training-label hygiene: corpus labels brought to the project's taxonomy (label_rules)."""

from __future__ import annotations

from cleaner.label_rules import BYLINE_REACH, refine_body_labels, refine_labels

_BODY = "Israel closed all crossings into the Gaza Strip on Friday after a surge in rockets."


def test_l3s_supplemental_bylines_datelines_and_credits_become_bylines() -> None:
    texts = [
        "By Sarah Jones",
        "Friday, January 18, 2008 10:02 AM",
        "12:40, Jan 13 2008",
        "Associated Press writer Mohammed Daraghmeh in Ramallah contributed to this report.",
        "(Reporting by Adrian Croft, Editing by Luke Baker)",
        "Agence France-Presse",
    ]
    labels = refine_body_labels(texts, ["caption"] * len(texts))
    assert labels == ["byline"] * len(texts)


def test_l3s_supplemental_copyright_is_boilerplate_and_real_captions_stay() -> None:
    texts = [
        "Copyright 2008 The Associated Press. All rights reserved.",
        "© AAP 2008",
        "Israeli soldiers stand guard at the Erez crossing on Friday.",
        "Hollywood actress Mischa Barton is used to being photographed on the red carpet",
    ]
    labels = refine_body_labels(texts, ["caption"] * len(texts))
    assert labels == ["boilerplate", "boilerplate", "caption", "caption"]


def test_a_dateline_left_with_the_boilerplate_is_a_byline_only_near_the_article() -> None:
    far = ["Menu item"] * (BYLINE_REACH + 1)
    texts = ["Gaza crossings closed", "Posted on Mon, Jan. 14, 2008", _BODY, *far]
    texts += ["Posted by Wispa on 01/13/08 at 1:54PM", "By Sarah Jones"]
    labels = ["title", "boilerplate", "body", *["boilerplate"] * len(far)]
    labels += ["boilerplate", "boilerplate"]
    out = refine_body_labels(texts, labels)
    assert out[1] == "byline"
    assert out[-2:] == ["boilerplate", "boilerplate"]  # comment stamps further down stay
    assert out[:1] + out[2:-2] == labels[:1] + labels[2:-2]


def test_body_and_title_lines_are_never_relabelled_on_l3s() -> None:
    texts = ["By Sarah Jones", "Copyright notice for the story", _BODY]
    labels = ["title", "body", "body"]
    assert refine_body_labels(texts, labels) == labels


def test_each_corpus_gets_the_rule_of_its_gold_convention() -> None:
    texts = ["By Sarah Jones", "Copyright 2012 The Associated Press.", _BODY]
    # Dragnet's gold keeps bylines with the text: aligned, they are body until refined.
    assert refine_labels("dragnet", texts, ["body", "body", "body"]) == [
        "byline",
        "body",  # Dragnet's annotators kept the notice; its convention is left as it is
        "body",
    ]
    assert refine_labels("l3s-gn1", texts, ["caption", "caption", "body"]) == [
        "byline",
        "boilerplate",
        "body",
    ]


def test_aligned_l3s_pages_keep_one_headline_the_rest_become_bylines_or_captions() -> None:
    # Aligning L3S's fuller gold called every short line above the body a title.
    texts = [
        "06.01.2008 01:07",
        "Opposition leader confronts election chief",
        "Article from: Agence France-Presse",
        "By Michael Mainville",
        "Kevork Djansezian, file",
        _BODY,
    ]
    labels = ["title"] * 5 + ["body"]
    page_title = "Opposition leader confronts election chief - News.com.au"
    out = refine_labels("l3s-gn1", texts, labels, aligned=True, html_title=page_title)
    # a dotted date is never the headline; it stays a caption (the dotted form is not taught as
    # a byline: RESULTS, model 0.7.1)
    assert out == ["caption", "title", "caption", "byline", "caption", "body"]


def test_the_headline_is_the_title_line_most_like_the_page_title() -> None:
    texts = ["Markets", "Gaza crossings closed", "Israel closes vital Gaza crossings", _BODY]
    labels = ["title", "title", "title", "body"]
    page_title = "Israel closes vital Gaza crossings | World news"
    out = refine_labels("l3s-gn1", texts, labels, aligned=True, html_title=page_title)
    assert out[:3] == ["caption", "caption", "title"]
    # without a page title, the first line that is not a byline or dateline
    assert refine_labels("l3s-gn1", texts, labels, aligned=True)[:3] == [
        "title",
        "caption",
        "caption",
    ]


def test_l3s_own_line_labels_keep_their_titles() -> None:
    # L3S's per-line labels mark a headline and its deck as headline: not an alignment artefact
    texts = ["Lavigne lawsuit settled", "Claims of song plagiarism dropped", _BODY]
    labels = ["title", "title", "body"]
    assert refine_labels("l3s-gn1", texts, labels) == labels
