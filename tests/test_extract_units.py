"""Unit tests of the extractor's helpers: name search, the quick checks that guard slow patterns."""

from __future__ import annotations

import re

from builder.extract.context import _cues, is_common_noun
from builder.extract.lexicon import load_lexicon
from builder.extract.quotes import SPEECH_VERBS, has_speech_verb
from builder.names import find_names, has_name, leftmost_longest


def test_names_are_found_as_whole_words_only() -> None:
    text = "Harris met Harrison and al-Harris; Harris_x is no name, Harris is."
    assert [(s, e) for s, e, _ in find_names(text, ["Harris"])] == [(0, 6), (56, 62)]


def test_the_longest_name_wins_where_two_start_and_nothing_starts_inside_it() -> None:
    text = "The Supreme Court of Cassation ruled; the Court agreed."
    found = leftmost_longest(find_names(text, ["Supreme Court", "Supreme Court of Cassation", "Court", "Cassation"]))
    assert [name for _, _, name in found] == ["Supreme Court of Cassation", "Court"]


def test_a_hyphen_joins_words_unless_told_otherwise() -> None:
    assert not has_name("an anti-war protest", "war")
    assert has_name("an anti-war protest", "war", joiners="_")


def test_a_capitalised_word_is_a_common_noun_only_where_the_article_writes_it_in_lower_case() -> None:
    assert is_common_noun("Cholera", ("Cholera spreads fast.", "Doctors fear cholera in camps."))
    assert not is_common_noun("Want", ("Want more?", "They wanted more."))


def test_every_role_starts_with_a_word_the_quick_check_can_find() -> None:
    """``role_before`` skips its pattern when no lower-case word of the window starts a role: exact only while
    every role's first word is such a word."""
    starts = _cues(load_lexicon()).role_starts
    assert starts
    assert [w for w in starts if not re.fullmatch(r"[a-z][\w-]*", w)] == []


def test_every_speech_verb_is_a_word_the_quick_check_can_find() -> None:
    """``has_speech_verb`` guards the attribution pattern: exact only while every verb is plain lower-case."""
    assert all(re.fullmatch(r"[a-z]+", verb) for verb in SPEECH_VERBS.split("|"))
    assert has_speech_verb("the minister said:") and not has_speech_verb("the minister, unsaid, left")
