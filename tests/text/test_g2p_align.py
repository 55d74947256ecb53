from __future__ import annotations

from voxtune.text.g2p.align import Group, align_groups, pairs_one_to_one, split_merged


def test_one_to_one_when_counts_match_and_pairs_are_alike() -> None:
    assert pairs_one_to_one(["ɐ", "kæt"], ["eɪ", "kæt"])  # a (letter alone, article in context)
    assert not pairs_one_to_one(["ɔn", "ðə"], ["ɔnðə"])
    assert not pairs_one_to_one(["ʌv", "twɛntiwʌn"], ["ʌvtwɛnti", "wʌn"])


def test_merge_groups_two_words_into_one_output_word() -> None:
    groups = align_groups(["ɔn", "ðə", "weɪ"], ["ɔnðə", "weɪ"], [1, 1, 1])
    assert groups == [Group((0, 2), (0, 1)), Group((2, 3), (1, 2))]


def test_expansion_gives_one_word_several_output_words() -> None:
    groups = align_groups(["aɪ", "twɛntiwʌn", "dʌks"], ["aɪ", "twɛnti", "wʌn", "dʌks"], [1, 2, 1])
    assert groups == [Group((0, 1), (0, 1)), Group((1, 2), (1, 3)), Group((2, 3), (3, 4))]


def test_silent_word_takes_no_output_word() -> None:
    groups = align_groups(["həloʊ", "", "wɜːld"], ["həloʊ", "wɜːld"], [1, 0, 1])
    assert groups == [Group((0, 1), (0, 1)), Group((1, 2), (1, 1)), Group((2, 3), (1, 2))]


def test_merge_and_expansion_in_one_line_with_equal_counts() -> None:
    # Three words, three output words, but not pairwise: "of the" merged, "21" expanded.
    isolated = ["ʌv", "ðə", "twɛntiwʌn"]
    said = ["ʌvðə", "twɛnti", "wʌn"]
    assert not pairs_one_to_one(isolated, said)
    assert align_groups(isolated, said, [1, 1, 2]) == [
        Group((0, 2), (0, 1)),
        Group((2, 3), (1, 3)),
    ]


def test_split_merged_cuts_where_words_match_best() -> None:
    symbols = ["ʌ", "v", "ð", "ə"]
    assert split_merged(symbols, ["ʌv", "ðə"]) == [["ʌ", "v"], ["ð", "ə"]]
    # A stress mark stays with the symbol after it.
    stressed = ["ɪ", "n", "ˈ", "ð", "ɪ", "s"]
    assert split_merged(stressed, ["ɪn", "ðɪs"]) == [["ɪ", "n"], ["ˈ", "ð", "ɪ", "s"]]
    assert split_merged(["a", "b", "c"], ["abc", "", "x"]) == [["a", "b", "c"], [], []]
