"""Tiny sentencepiece tokenizers: kyutai's special ids, and the transformers conversion agrees with
sentencepiece itself."""

from __future__ import annotations

import sentencepiece as spm
from transformers import AutoTokenizer

from voxtune.models.kyutai.spm_tokenizer import fast_tokenizer, train_sentencepiece, word_tokens

TEXTS = [
    "order number one two nine six eight zero three",
    "location code one four five six one nine",
    "please confirm order four four one seven zero nine three",
    "the code is nine zero two three eight four",
    "hvor mye koster billetten til bergen",
]


def test_special_ids_are_kyutais():
    model = spm.SentencePieceProcessor(model_proto=train_sentencepiece(TEXTS))
    assert [model.id_to_piece(i) for i in range(4)] == ["<unk>", "<s>", "</s>", "<pad>"]
    assert (model.unk_id(), model.bos_id(), model.eos_id(), model.pad_id()) == (0, 1, 2, 3)


def test_the_fast_tokenizer_encodes_and_decodes_like_sentencepiece(tmp_path):
    proto = train_sentencepiece(TEXTS)
    reference = spm.SentencePieceProcessor(model_proto=proto)
    fast = fast_tokenizer(proto)
    fast.save_pretrained(tmp_path)
    loaded = AutoTokenizer.from_pretrained(tmp_path)
    probes = [*TEXTS, "one", "  nine   zero ", "Order Number 42", "bergen til hvor", "xyzzy"]
    for text in probes:
        ids = reference.encode(text)
        assert loaded.encode(text, add_special_tokens=False) == ids, text
        assert fast.encode(text, add_special_tokens=False) == ids, text
    assert loaded.decode(reference.encode("order number one two")) == "order number one two"
    assert len(loaded) == reference.get_piece_size()
    assert loaded.pad_token_id == 3


def test_a_words_tokens_are_those_of_the_word_alone_with_its_word_start_marker():
    fast = fast_tokenizer(train_sentencepiece(TEXTS))
    ids = word_tokens(fast, " nine ")
    assert fast.convert_ids_to_tokens(ids)[0].startswith("▁")
    assert fast.decode(ids) == "nine"
