"""A tiny random Whisper, built offline and saved like a hub checkpoint, for tests and the demo.

Everything a real checkpoint folder holds is there (config, generation config with language and
task tokens, alignment heads for word timestamps, tokenizer with Whisper's special and timestamp
tokens, feature extractor), so it loads through the same ``from_pretrained`` path a hub id takes.
The weights are random: its transcripts are garbage, its plumbing is real.

The token layout is Whisper large-v3's, id for id: 50257 text tokens, ``<|endoftext|>`` (50257),
``<|startoftranscript|>``, the 100 language tokens in Whisper's order, ``<|translate|>``,
``<|transcribe|>``, ``<|startoflm|>``, ``<|startofprev|>``, ``<|nospeech|>``, ``<|notimestamps|>``
(50364) and the 1501 timestamps ``<|0.00|>`` .. ``<|30.00|>``. The text tokens are a byte-level BPE
trained here on a few sentences per supported language (no download), padded with made-up syllable
words (``Ġkamo``, ``ri``) so random output reads as words; the full-size vocabulary is what makes
CTranslate2 (and so faster-whisper) treat the model as multilingual.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import torch

from voxtune.asr.languages import language_token

TEXT_TOKENS = 50257
"""Whisper's multilingual text vocabulary size: special tokens start at this id."""
TIMESTAMPS = 1501
"""Whisper's timestamp tokens: 0.00 s to 30.00 s in steps of 20 ms."""
TRAILING_SPECIALS = (
    "<|translate|>",
    "<|transcribe|>",
    "<|startoflm|>",
    "<|startofprev|>",
    "<|nospeech|>",
    "<|notimestamps|>",
)


def whisper_languages() -> list[str]:
    """Whisper's language codes in its token order (``en``, ``zh``, ``de``, ... ``yue``)."""
    from transformers.models.whisper.tokenization_whisper import LANGUAGES

    return list(LANGUAGES)


def _training_texts() -> list[str]:
    from voxtune.demo.sentences import LANGUAGE_SENTENCES

    return [sentence for sentences in LANGUAGE_SENTENCES.values() for sentence in sentences]


def _bpe(texts: Iterable[str], size: int) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Vocabulary and merges of a byte-level BPE trained on ``texts``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False
    )
    bpe.train_from_iterator(list(texts), trainer)
    model = json.loads(bpe.to_str())["model"]
    merges = [tuple(pair) if isinstance(pair, list) else tuple(pair.split(" ")) for pair in model["merges"]]
    return dict(model["vocab"]), merges  # type: ignore[arg-type]


_CONSONANTS = "bdfghjklmnprstv"
_VOWELS = "aeiou"


def _syllable_words() -> Iterable[str]:
    """Endless distinct pseudo-words in byte-level BPE spelling; two in three start a word (``Ġ``)."""
    syllables = [c + v for c in _CONSONANTS for v in _VOWELS]
    index = len(syllables)
    while True:
        parts, rest = [], index
        while rest:
            rest, digit = divmod(rest, len(syllables))
            parts.append(syllables[digit])
        yield ("" if index % 3 == 0 else "Ġ") + "".join(parts)
        index += 1


def build_tiny_tokenizer(
    texts: Iterable[str] | None = None, *, languages: Sequence[str] | None = None, bpe_size: int = 600
) -> Any:
    """A ``WhisperTokenizer`` with Whisper's token layout; the BPE is trained on ``texts``.

    ``texts`` defaults to the demo sentences, ``languages`` (Whisper codes) to all of Whisper's;
    text ids the BPE does not fill hold made-up syllable words.
    """
    from transformers import AddedToken, WhisperTokenizer

    vocab, merges = _bpe(texts if texts is not None else _training_texts(), bpe_size)
    # Whisper's multilingual vocabulary holds an empty token; CTranslate2 takes it as the sign of a
    # multilingual model
    vocab[""] = len(vocab)
    fillers = (word for word in _syllable_words() if word not in vocab)
    for index in range(len(vocab), TEXT_TOKENS):
        vocab[next(fillers)] = index
    tokenizer = WhisperTokenizer(vocab=vocab, merges=merges, pad_token="<|endoftext|>")
    codes = list(languages) if languages is not None else whisper_languages()
    specials = ["<|startoftranscript|>", *(language_token(code) for code in codes), *TRAILING_SPECIALS]
    tokenizer.add_special_tokens({"extra_special_tokens": specials})
    tokenizer.add_tokens(
        [AddedToken(f"<|{i * 0.02:.2f}|>", special=False, normalized=False) for i in range(TIMESTAMPS)]
    )
    return tokenizer


def build_tiny_whisper(
    folder: str | Path,
    *,
    seed: int = 0,
    languages: Sequence[str] | None = None,
    d_model: int = 64,
    layers: int = 2,
    heads: int = 4,
    max_target_positions: int = 448,
) -> Path:
    """Write a tiny random multilingual Whisper (model, tokenizer, feature extractor) into ``folder``.

    ``languages`` are Whisper codes (default: all 100 of Whisper's, which keeps the real token ids).
    Returns the folder.
    """
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
    )

    folder = Path(folder)
    codes = list(languages) if languages is not None else whisper_languages()
    tokenizer = build_tiny_tokenizer(languages=codes)
    names = ("<|endoftext|>", "<|startoftranscript|>", *TRAILING_SPECIALS)
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in names}
    eot, sot = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    space = tokenizer.convert_tokens_to_ids("Ġ")
    config = WhisperConfig(
        vocab_size=len(tokenizer),
        num_mel_bins=80,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=2 * d_model,
        decoder_ffn_dim=2 * d_model,
        max_source_positions=1500,
        max_target_positions=max_target_positions,
        pad_token_id=eot,
        bos_token_id=eot,
        eos_token_id=eot,
        decoder_start_token_id=sot,
        begin_suppress_tokens=[space, eot],
        suppress_tokens=[],
    )
    torch.manual_seed(seed)
    model = WhisperForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=sot,
        bos_token_id=eot,
        eos_token_id=eot,
        pad_token_id=eot,
        max_length=max_target_positions,
        begin_suppress_tokens=[space, eot],
        suppress_tokens=[],
        is_multilingual=True,
        lang_to_id={token: tokenizer.convert_tokens_to_ids(token) for token in map(language_token, codes)},
        task_to_id={"translate": ids["<|translate|>"], "transcribe": ids["<|transcribe|>"]},
        no_timestamps_token_id=ids["<|notimestamps|>"],
        prev_sot_token_id=ids["<|startofprev|>"],
        max_initial_timestamp_index=50,
        alignment_heads=[[layer, head] for layer in range(layers // 2, layers) for head in range(heads)],
        return_timestamps=False,
    )
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    features = WhisperFeatureExtractor(feature_size=80)
    WhisperProcessor(feature_extractor=features, tokenizer=tokenizer).save_pretrained(folder)
    return folder
