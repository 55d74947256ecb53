"""Stage filters select the right items; fields a filter needs are checked; validation hold-outs."""

from __future__ import annotations

import pytest
from lhotse import SupervisionSegment
from lhotse.testing.dummies import dummy_cut

from voxtune.errors import InputError
from voxtune.train.config import DataFilter
from voxtune.train.filters import check_filter_fields, matches, select
from voxtune.train.splits import held_out, split_run


def item(
    cut_id: str,
    language: str = "ms",
    speaker: str = "a",
    duration: float = 2.0,
    synthetic: bool = False,
    **custom,
):
    cut = dummy_cut(0, duration=duration)
    cut.id = cut_id
    cut.supervisions = [
        SupervisionSegment(
            cut_id,
            cut.recording_id,
            0.0,
            duration,
            text="x",
            language=language,
            speaker=speaker,
            custom=custom or None,
        )
    ]
    cut.custom = {"synthetic": True} if synthetic else {}
    return cut


CORPUS = [
    item("ms_only", languages=["ms"], switches=0, particles=[None, None]),
    item("en_only", language="en", languages=["en"], switches=0, particles=[None]),
    item("switch1", languages=["ms", "en"], switches=1, particles=[None, None, "assertive"]),
    item("switch3", languages=["ms", "en"], switches=3, particles=[None] * 4),
    item("three_langs", languages=["ms", "en", "zh"], switches=2, particles=[None] * 3),
    item("synthetic_b", speaker="b", synthetic=True, languages=["ms"], switches=0, particles=["softener"]),
    item("long", duration=30.0, languages=["ms"], switches=0, particles=[None]),
]


def chosen(**conditions) -> list[str]:
    return [c.id for c in select(CORPUS, DataFilter(**conditions))]


def test_each_condition_selects_exactly_its_items() -> None:
    assert chosen(single_language=True) == ["ms_only", "en_only", "synthetic_b", "long"]
    assert chosen(single_language=False) == ["switch1", "switch3", "three_langs"]
    assert chosen(max_languages=2, min_switches=1) == ["switch1", "switch3"]
    assert chosen(has_particles=True) == ["switch1", "synthetic_b"]
    assert chosen(languages=["en"]) == ["en_only"]
    assert chosen(exclude_languages=["en"], speakers=["b"]) == ["synthetic_b"]
    assert chosen(exclude_speakers=["a"]) == ["synthetic_b"]
    assert chosen(synthetic=False, max_duration=10) == [
        c.id for c in CORPUS if c.id not in ("synthetic_b", "long")
    ]
    assert chosen(min_duration=10) == ["long"]
    assert len(chosen()) == len(CORPUS)


def test_language_codes_are_matched_in_any_spelling() -> None:
    norwegian = item("hei", language="no")
    assert matches(norwegian, DataFilter(languages=["nb"]))
    assert matches(item("hei2", language="nb"), DataFilter(languages=["NO"]))


def test_a_filter_on_a_field_no_item_has_is_a_clear_error() -> None:
    bare = [item("plain"), item("plain2", language="en")]
    check_filter_fields(bare, "s", [DataFilter(languages=["en"])])  # fine: supervision.language
    with pytest.raises(InputError, match=r"stage 'particles' filters on has_particles.*'particles'") as error:
        check_filter_fields(bare, "particles", [DataFilter(has_particles=True)])
    assert "language-tags stage" in (error.value.hint or "")
    with pytest.raises(InputError, match="min_switches"):
        check_filter_fields(bare, "cs", [DataFilter(min_switches=1)])


def test_hold_out_is_deterministic_and_takes_at_least_one() -> None:
    ids = [f"item{i}" for i in range(25)]
    assert held_out(ids, 0.1) == held_out(list(reversed(ids)), 0.1)
    assert len(held_out(ids, 0.1)) == 3
    assert len(held_out(ids[:2], 0.01)) == 1 and held_out(ids[:1], 0.5) == set()


def test_run_split_never_trains_on_an_item_another_stage_validates_on() -> None:
    stage_a = CORPUS[:4]
    stage_b = CORPUS[2:]
    split = split_run(CORPUS, [stage_a, stage_b], 0.25)
    assert not split.from_corpus
    for selection in (stage_a, stage_b):
        validation = [c for c in selection if split.is_validation(c)]
        assert validation, "each stage gets validation items"
    assert all(split.is_train(c) != split.is_validation(c) for c in CORPUS)


def test_the_corpus_split_field_wins() -> None:
    cuts = [item(f"c{i}") for i in range(4)]
    for cut, name in zip(cuts, ["train", "validation", "test", "train"], strict=True):
        cut.custom = {"split": name}
    split = split_run(cuts, [cuts], 0.5)
    assert split.from_corpus and split.validation == {"c1"} and split.excluded == {"c2"}
    assert [c.id for c in cuts if split.is_train(c)] == ["c0", "c3"]
