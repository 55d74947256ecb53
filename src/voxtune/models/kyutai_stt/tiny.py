"""A tiny random Kyutai STT (tiny Mimi, tiny sentencepiece tokenizer, pause heads) saved like a hub model,
for tests and the demo: ``KyutaiSttFamily.load(folder)`` reads it with the code that reads
``kyutai/stt-1b-en_fr-trfs``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import (
    KyutaiSpeechToTextConfig,
    KyutaiSpeechToTextFeatureExtractor,
    KyutaiSpeechToTextForConditionalGeneration,
)

from voxtune.models import mimi
from voxtune.models.csm.tiny import HEAD_STD
from voxtune.models.kyutai.pause_heads import PauseHeads
from voxtune.models.kyutai.spm_tokenizer import SPM_FILE, fast_tokenizer, train_sentencepiece
from voxtune.models.kyutai_stt.files import PAUSE_HEADS_FILE

PAUSE_HEAD_STD = 0.3
"""Init scale of the tiny pause heads: their probabilities then vary with the hidden state."""


def tiny_stt_config(
    text_card: int,
    *,
    codebook_size: int = 32,
    num_codebooks: int = 4,
    max_positions: int = 1024,
    hidden_size: int = 64,
) -> KyutaiSpeechToTextConfig:
    """A Kyutai STT config with the real model's structure (text card + 1 input ids, the last one the
    start token; Kyutai's padding id 3) at a size that trains in seconds on a CPU."""
    vocab = text_card + 1
    return KyutaiSpeechToTextConfig(
        vocab_size=vocab,
        codebook_vocab_size=codebook_size + 1,
        num_codebooks=num_codebooks,
        hidden_size=hidden_size,
        num_hidden_layers=2,
        num_attention_heads=4,
        ffn_dim=2 * hidden_size,
        max_position_embeddings=max_positions,
        sliding_window=max_positions,
        audio_bos_token_id=codebook_size,
        audio_pad_token_id=vocab + num_codebooks * (codebook_size + 1),
        bos_token_id=text_card,
        pad_token_id=3,
        codec_config=mimi.tiny_mimi_config(
            codebook_size=codebook_size, num_quantizers=num_codebooks
        ).to_dict(),
    )


def build_tiny_stt(
    folder: str | Path,
    texts: Sequence[str],
    *,
    audio: Iterable[np.ndarray] = (),
    seed: int = 0,
    text_delay_seconds: float = 0.5,
    codebook_size: int = 32,
    num_codebooks: int = 4,
    vocab_size: int = 96,
    pause_heads: int = 4,
) -> Path:
    """Write a tiny STT to ``folder``: weights, config, tokenizer (sentencepiece ``tokenizer.model`` and
    its transformers conversion), feature extractor (with the text delay) and ``pause_heads.safetensors``.

    The codec is made informative as for the tiny CSM (see models.mimi), fitted on ``audio`` (24 kHz
    mono clips of the speech it will hear).
    """
    clips = [np.asarray(a, dtype=np.float32).reshape(-1) for a in audio]
    if not clips:
        raise ValueError("a tiny STT needs some audio to fit its codec on")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    spm_model = train_sentencepiece(texts, vocab_size=vocab_size)
    tokenizer = fast_tokenizer(spm_model)
    torch.manual_seed(seed)
    config = tiny_stt_config(len(tokenizer), codebook_size=codebook_size, num_codebooks=num_codebooks)
    model = KyutaiSpeechToTextForConditionalGeneration(config).eval()
    heads = PauseHeads(config.hidden_size, pause_heads)
    with torch.no_grad():
        model.lm_head.weight.normal_(0.0, HEAD_STD)
        model.lm_head.weight[-1].zero_()  # the start token is never predicted (kyutai's text_linear lacks it)
        for head in heads.heads:
            head.weight.normal_(0.0, PAUSE_HEAD_STD)
    mimi.make_envelope_encoder(model.codec_model, seed=seed)
    mimi.fit_codebooks(model.codec_model, clips, seed=seed)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / SPM_FILE).write_bytes(spm_model)
    KyutaiSpeechToTextFeatureExtractor(
        feature_size=1,
        sampling_rate=mimi.SAMPLE_RATE,
        audio_delay_seconds=text_delay_seconds,
        audio_silence_prefix_seconds=0.0,
    ).save_pretrained(folder)
    save_file(
        {k: v.contiguous() for k, v in heads.to_original_state_dict().items()},
        str(folder / PAUSE_HEADS_FILE),
        metadata={"format": "pt"},
    )
    return folder
