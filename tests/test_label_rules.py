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
