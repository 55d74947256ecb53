"""Tiny byte-level BPE tokenizers trained on a handful of texts, for tiny test and demo models.

A tiny model with a real model's 128k-token vocabulary would be mostly embedding table; a few hundred
BPE merges learnt from the demo sentences keep it small while tokenising any script (byte fallback).
Saved with ``save_pretrained`` it loads through ``AutoTokenizer`` exactly like a hub tokenizer.
"""

from __future__ import annotations

from collections.abc import Sequence

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast


def train_tiny_tokenizer(
    texts: Sequence[str],
    *,
    special_tokens: Sequence[str],
    vocab_size: int = 512,
    bos_token: str | None = None,
    eos_token: str | None = None,
    pad_token: str | None = None,
) -> PreTrainedTokenizerFast:
    """A byte-level BPE tokenizer learnt from ``texts``; ``special_tokens`` get the first ids in order."""
    if not texts:
        raise ValueError("a tiny tokenizer needs some texts to learn from")
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(special_tokens),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(list(texts), trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token=bos_token, eos_token=eos_token, pad_token=pad_token
    )
