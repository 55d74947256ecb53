from __future__ import annotations

from collections import Counter

import pytest
import torch
from torch import nn

from voxtune.demo.sentences import LANGUAGE_SENTENCES
from voxtune.models.kokoro.vocabulary import (
    NEAREST_SYMBOLS,
    AddedSymbol,
    KokoroVocabulary,
    PhonemeError,
    add_symbol_rows,
    phrase_chunks,
)
from voxtune.text.g2p import kokoro_vocab, misaki_text, phonemize


def base_vocabulary() -> KokoroVocabulary:
    return KokoroVocabulary.from_config({"vocab": dict(kokoro_vocab()), "n_token": 178})


def luxembourgish_phonemes() -> list[str]:
    return [misaki_text(phonemize(s, "lb")) for s in LANGUAGE_SENTENCES["lb"]]


def test_every_nearest_symbol_is_in_kokoros_vocabulary() -> None:
    vocab = kokoro_vocab()
    for symbol, nearest in NEAREST_SYMBOLS.items():
        assert symbol not in vocab
        assert nearest.symbol == "" or nearest.symbol in vocab, symbol
        assert nearest.reason


def test_unknown_symbols_are_refused_with_their_names() -> None:
    with pytest.raises(PhonemeError) as caught:
        base_vocabulary().ids("gʀa")
    assert caught.value.code == "unknown_phonemes"
    assert caught.value.details["symbols"] == ["g", "ʀ"]
    assert "LATIN SMALL LETTER G" in caught.value.reason


def test_nearest_mapping_reads_luxembourgish_as_kokoro_symbols() -> None:
    base = base_vocabulary()
    texts = luxembourgish_phonemes()
    counts = Counter(ch for text in texts for ch in text)
    plan = base.plan(counts, "nearest")
    assert set(plan.mapped) == {"g", "ʀ"}  # the demo's sentences use these two
    assert not plan.added and not plan.unmapped
    vocabulary = base.apply(plan)
    assert vocabulary.ids("gʀa") == base.ids("ɡʁa")
    for text in texts:  # every demo sentence is now readable
        assert len(vocabulary.ids(text)) == len(text)
    report = {row[0]: row for row in plan.rows()}
    assert report["ʀ"][1] == "-> ʁ"
    assert report["ʀ"][2] == counts["ʀ"]
    assert plan.to_dict()["symbols"][0]["reason"]


def test_new_rows_take_unused_ids_and_start_from_the_nearest_symbol() -> None:
    base = base_vocabulary()
    plan = base.plan(Counter({"g": 3, "ʀ": 2, "a": 5, "ʘ": 1}), "new_rows")
    added = {a.symbol: a for a in plan.added}
    assert set(added) == {"g", "ʀ", "ʘ"}
    free = base.free_ids()
    assert all(a.token_id in free for a in plan.added)
    assert len({a.token_id for a in plan.added}) == 3
    assert added["ʀ"].init_from == "ʁ"
    assert added["ʘ"].init_from is None  # no table entry: starts from the mean row
    vocabulary = base.apply(plan)
    assert vocabulary.n_token == 178  # free ids were enough
    assert vocabulary.ids("ʀ") == [added["ʀ"].token_id] != base.ids("ʁ")


def test_symbols_without_a_table_entry_stay_unmapped_under_nearest() -> None:
    plan = base_vocabulary().plan(Counter({"ʘ": 2}), "nearest")
    assert plan.unmapped == ["ʘ"]
    with pytest.raises(PhonemeError):
        base_vocabulary().apply(plan).ids("ʘa")


def test_diacritics_mapped_to_nothing_are_dropped() -> None:
    vocabulary = base_vocabulary()
    assert vocabulary.ids("a\u032fi") == vocabulary.ids("ai")


class _StandIn(nn.Module):
    """The two embedding tables of a KModel, at the names add_symbol_rows uses."""

    def __init__(self, rows: int):
        super().__init__()
        self.bert = nn.Module()
        self.bert.embeddings = nn.Module()
        self.bert.embeddings.word_embeddings = nn.Embedding(rows, 4)
        self.bert.config = type("Config", (), {"vocab_size": rows})()
        self.text_encoder = nn.Module()
        self.text_encoder.embedding = nn.Embedding(rows, 6)


def test_added_rows_copy_their_init_symbol_and_grow_the_tables_when_needed() -> None:
    torch.manual_seed(0)
    model = _StandIn(4)
    base = KokoroVocabulary({"a": 1, "b": 2, "c": 3}, 4)
    assert base.free_ids() == []
    plan = base.plan(Counter({"g": 1, "ʘ": 1}), "new_rows")
    assert [a.token_id for a in plan.added] == [4, 5]  # past the end: the tables grow
    add_symbol_rows(model, base, [AddedSymbol("x", 4, "b"), AddedSymbol("y", 5, None)])
    for table in (model.bert.embeddings.word_embeddings, model.text_encoder.embedding):
        assert table.num_embeddings == 6
        assert torch.equal(table.weight[4], table.weight[2])
        assert torch.allclose(table.weight[5], table.weight[1:4].mean(dim=0))
    assert model.bert.config.vocab_size == 6


def test_phrase_chunks_cut_after_punctuation_then_between_words() -> None:
    text = "aaa bbb, ccc ddd. eee fff"
    assert phrase_chunks(text, 100) == [text]
    assert phrase_chunks(text, 18) == ["aaa bbb, ccc ddd.", "eee fff"]
    assert phrase_chunks(text, 12) == ["aaa bbb,", "ccc ddd.", "eee fff"]
    assert phrase_chunks("aaa bbb ccc ddd", 8) == ["aaa bbb", "ccc ddd"]
    assert all(len(chunk) <= 8 for chunk in phrase_chunks("aa bb cc dd ee ff gg", 8))
    with pytest.raises(PhonemeError) as caught:
        phrase_chunks("aaaaaaaaaa b", 5)
    assert caught.value.code == "too_many_phonemes"
