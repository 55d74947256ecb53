"""Kyutai's text tokenizers are sentencepiece models; tiny ones for tests and the demo are trained here.

Kyutai's tokenizers (``tokenizer_en_fr_audio_8000.model``, ``tokenizer_spm_32k_3.model``) put ``<unk>``
at 0, ``<s>`` at 1, ``</s>`` at 2 and ``<pad>`` at 3; in the text stream id 3 is padding and id 0 marks
the end of padding (see :mod:`text_stream`). A tiny tokenizer keeps those ids. It is saved both as the
sentencepiece ``tokenizer.model`` (what kyutai's Rust server reads) and as a transformers fast tokenizer
(converted with transformers' own ``SpmConverter``), which ``AutoTokenizer`` loads from the model folder.
"""

from __future__ import annotations

import io
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import sentencepiece as spm
from transformers import PreTrainedTokenizerFast

SPM_FILE = "tokenizer.model"
"""Name of the sentencepiece model file in a model folder."""
UNK, BOS, EOS, PAD = "<unk>", "<s>", "</s>", "<pad>"


def train_sentencepiece(texts: Sequence[str], *, vocab_size: int = 96, seed_size: int = 10000) -> bytes:
    """A unigram sentencepiece model (serialised) learnt from ``texts``, with kyutai's special ids.

    ``vocab_size`` is an upper bound: a handful of sentences supports fewer pieces. It is raised to
    cover every character of ``texts`` (sentencepiece needs a piece per character, and several scripts
    can need more than a tiny vocabulary).
    """
    if not texts:
        raise ValueError("a tokenizer needs some texts to learn from")
    characters = {ch for text in texts for ch in unicodedata.normalize("NFKC", text) if not ch.isspace()}
    vocab_size = max(vocab_size, len(characters) + 16)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(texts)),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=3,
        character_coverage=1.0,
        hard_vocab_limit=False,
        seed_sentencepiece_size=seed_size,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def fast_tokenizer(spm_model: bytes | str | Path) -> PreTrainedTokenizerFast:
    """A transformers fast tokenizer equivalent to the sentencepiece model (bytes or a file)."""
    from transformers.convert_slow_tokenizer import SpmConverter

    if isinstance(spm_model, bytes):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / SPM_FILE
            path.write_bytes(spm_model)
            return fast_tokenizer(path)
    original = SimpleNamespace(vocab_file=str(spm_model), legacy=False, add_prefix_space=True)
    converted = SpmConverter(original).converted()
    return PreTrainedTokenizerFast(
        tokenizer_object=converted, unk_token=UNK, bos_token=BOS, eos_token=EOS, pad_token=PAD
    )


def word_tokens(tokenizer: object, word: str) -> list[int]:
    """The token ids of one word as Kyutai's data pipeline makes them (the word alone, with its
    sentencepiece word-start marker, no special tokens)."""
    return list(tokenizer.encode(word.strip(), add_special_tokens=False))  # type: ignore[attr-defined]
