"""A tiny random CSM (with a tiny Mimi and a tiny tokenizer) saved like a hub model, for tests and the
demo: ``CsmFamily.load(folder)`` reads it with the same code that reads ``sesame/csm-1b``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import torch
from transformers import CsmConfig, CsmForConditionalGeneration, CsmProcessor, EncodecFeatureExtractor

from voxtune.models import mimi
from voxtune.models.tiny_tokenizer import train_tiny_tokenizer

HEAD_STD = 0.1
"""Init scale of the output heads. At transformers' 0.02 the logits of a tiny random model cannot leave
+-1.5 (the final RMSNorm fixes the hidden state's size), so LoRA, which leaves heads frozen as on a
pretrained model, could never make a confident prediction; 0.1 gives the heads a pretrained model's range."""

BOS, EOS, AUDIO, AUDIO_EOS = "<|begin_of_text|>", "<|end_of_text|>", "<|AUDIO|>", "<|audio_eos|>"

# The transformers chat template of sesame/csm-1b, without its input validation.
CHAT_TEMPLATE = (
    "{%- for message in messages %}{{- bos_token }}{{- '[' + message['role'] + ']' }}"
    "{{- message['content'][0]['text'] }}{{- eos_token }}"
    "{%- if message['content']|length > 1 %}{{- '<|AUDIO|><|audio_eos|>' }}{%- endif %}{%- endfor %}"
)


def tiny_csm_config(
    text_vocab_size: int, *, codebook_size: int = 32, num_codebooks: int = 4, max_positions: int = 512
) -> CsmConfig:
    """A CSM config with the real model's structure at a size that trains in seconds on a CPU."""
    vocab = codebook_size + 3  # like 2048 codes + 3 in sesame/csm-1b
    return CsmConfig(
        num_codebooks=num_codebooks,
        vocab_size=vocab,
        text_vocab_size=text_vocab_size,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=max_positions,
        bos_token_id=0,
        pad_token_id=2,
        audio_token_id=2,
        audio_eos_token_id=3,
        codebook_pad_token_id=vocab - 1,
        codebook_eos_token_id=0,
        depth_decoder_config={
            "num_codebooks": num_codebooks,
            "vocab_size": vocab,
            "backbone_hidden_size": 64,
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "max_position_embeddings": num_codebooks + 1,
        },
        codec_config=mimi.tiny_mimi_config(
            codebook_size=codebook_size, num_quantizers=num_codebooks
        ).to_dict(),
    )


def _stand_in_audio(seed: int, clips: int = 8, seconds: float = 2.0) -> list[np.ndarray]:
    """Gliding tones in noise, when no real audio is given to fit the codebooks on."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * mimi.SAMPLE_RATE)) / mimi.SAMPLE_RATE
    out = []
    for _ in range(clips):
        f0, f1 = rng.uniform(90, 400, size=2)
        phase = 2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * seconds))
        out.append((0.3 * np.sin(phase) + 0.02 * rng.standard_normal(len(t))).astype(np.float32))
    return out


def build_tiny_csm(
    folder: str | Path,
    texts: Sequence[str],
    *,
    audio: Iterable[np.ndarray] = (),
    seed: int = 0,
    codebook_size: int = 32,
    num_codebooks: int = 4,
    max_positions: int = 512,
    vocab_size: int = 512,
) -> Path:
    """Write a tiny CSM to ``folder``: weights, config, generation config, tokenizer and processor.

    The tokenizer is byte-level BPE learnt from ``texts``. The codec's encoder is a fixed envelope
    analyser and its codebooks are fitted by k-means on its view of ``audio`` (24 kHz mono; stand-in
    tones when empty), so codes vary, and vary with the sound rather than its phase (see models.mimi).
    """
    folder = Path(folder)
    tokenizer = train_tiny_tokenizer(
        texts,
        special_tokens=[BOS, EOS, AUDIO, AUDIO_EOS],
        vocab_size=vocab_size,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=AUDIO,
    )
    torch.manual_seed(seed)
    config = tiny_csm_config(
        len(tokenizer), codebook_size=codebook_size, num_codebooks=num_codebooks, max_positions=max_positions
    )
    model = CsmForConditionalGeneration(config).eval()
    with torch.no_grad():
        model.lm_head.weight.normal_(0.0, HEAD_STD)
        model.depth_decoder.codebooks_head.weight.normal_(0.0, HEAD_STD)
    clips = [np.asarray(a, dtype=np.float32).reshape(-1) for a in audio] or _stand_in_audio(seed)
    mimi.make_envelope_encoder(model.codec_model, seed=seed)
    mimi.fit_codebooks(model.codec_model, clips, seed=seed)
    model.save_pretrained(folder)
    processor = CsmProcessor(
        feature_extractor=EncodecFeatureExtractor(feature_size=1, sampling_rate=mimi.SAMPLE_RATE),
        tokenizer=tokenizer,
        chat_template=CHAT_TEMPLATE,
    )
    processor.save_pretrained(folder)
    return folder
