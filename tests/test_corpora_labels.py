"""Training-label hygiene: corpus pages whose gold kept the reader comments are recognised."""

from __future__ import annotations

from cleaner.corpora import COMMENT_STAMPS_IN_GOLD, gold_keeps_comments

_STAMPS = [
    "Heather on October 23rd, 2012 1:37 pm",
    "by SteveG on April 16, 2012 at 4:56 am",
    "Paul A. Rubin 07.23.12 at 15:27",
    "Blake Hall says:",
    "Tommy July 16, 2012 at 7:03 pm #",
]


def _page(stamp_label: str, stamps: list[str]) -> tuple[list[str], list[str]]:
    texts, labels = ["Earplugs are the secret to sleep, I have found."], ["body"]
    for stamp in stamps:
        texts += [stamp, "I can not sleep without my sound machine either, it is great."]
        labels += [stamp_label, stamp_label]
    return texts, labels


def test_a_gold_that_keeps_a_comment_thread_is_recognised() -> None:
    assert len(_STAMPS) == COMMENT_STAMPS_IN_GOLD
    assert gold_keeps_comments(*_page("body", _STAMPS))


def test_comments_the_gold_removed_or_too_few_stamps_are_not_flagged() -> None:
    assert not gold_keeps_comments(*_page("boilerplate", _STAMPS))
    assert not gold_keeps_comments(*_page("body", _STAMPS[:-1]))


def test_times_without_a_date_are_not_comment_stamps() -> None:
    race = [f"{k}. Runner Number{k} - 2:04:{30 + k}" for k in range(1, 9)]
    assert not gold_keeps_comments(*_page("body", race))
    dated_long = [
        "On October 23rd, 2012 at 1:37 pm the committee met and agreed the new budget, "
        "which raises spending on schools and roads for the next five years."
    ] * 6
    assert not gold_keeps_comments(*_page("body", dated_long))
