"""The tiny random Whisper: real Whisper's token layout and config, loadable like a hub checkpoint."""

from __future__ import annotations

import json

import pytest
from transformers import AutoConfig, AutoProcessor, WhisperForConditionalGeneration

from support.tiny_models import tiny_whisper_dir
from voxtune.demo.sentences import LANGUAGE_SENTENCES

# ids of openai/whisper-large-v3's special tokens (its tokenizer.json / generation_config.json)
LARGE_V3_IDS = {
    "<|endoftext|>": 50257,
    "<|startoftranscript|>": 50258,
    "<|en|>": 50259,
    "<|te|>": 50299,
    "<|no|>": 50288,
    "<|lb|>": 50345,
    "<|yue|>": 50358,
    "<|translate|>": 50359,
    "<|transcribe|>": 50360,
    "<|startoflm|>": 50361,
    "<|startofprev|>": 50362,
    "<|nospeech|>": 50363,
    "<|notimestamps|>": 50364,
    "<|0.00|>": 50365,
    "<|30.00|>": 51865,
}


@pytest.fixture(scope="module")
def processor():
    return AutoProcessor.from_pretrained(tiny_whisper_dir())


def test_special_tokens_sit_where_whisper_large_v3_has_them(processor) -> None:
    tokenizer = processor.tokenizer
    assert len(tokenizer) == 51866
    assert {token: tokenizer.convert_tokens_to_ids(token) for token in LARGE_V3_IDS} == LARGE_V3_IDS
    assert tokenizer.all_special_ids[-1] == LARGE_V3_IDS["<|notimestamps|>"]
    assert tokenizer.pad_token_id == tokenizer.eos_token_id == LARGE_V3_IDS["<|endoftext|>"]


def test_every_demo_sentence_round_trips_through_the_tokenizer(processor) -> None:
    tokenizer = processor.tokenizer
    for sentences in LANGUAGE_SENTENCES.values():
        for sentence in sentences:
            ids = tokenizer(sentence, add_special_tokens=False).input_ids
            assert max(ids) < 50257
            assert tokenizer.decode(ids) == sentence


def test_config_and_generation_config_carry_what_timestamps_need() -> None:
    folder = tiny_whisper_dir()
    config = AutoConfig.from_pretrained(folder)
    assert config.model_type == "whisper" and config.vocab_size == 51866
    generation = json.loads((folder / "generation_config.json").read_text())
    assert generation["lang_to_id"]["<|te|>"] == 50299 and len(generation["lang_to_id"]) == 100
    assert generation["task_to_id"] == {"translate": 50359, "transcribe": 50360}
    assert generation["no_timestamps_token_id"] == 50364 and generation["is_multilingual"] is True
    assert generation["alignment_heads"] == [[1, 0], [1, 1], [1, 2], [1, 3]]
    model = WhisperForConditionalGeneration.from_pretrained(folder)
    assert model.generation_config.decoder_start_token_id == 50258
    assert sum(p.numel() for p in model.parameters()) < 5_000_000
