"""Speech from text with CSM, with the end-of-audio handling that avoids long silent tails.

transformers' ``generate`` runs the backbone + depth decoder frame by frame and stops at an
end-of-audio frame (all codes 0). A fine-tuned adapter does not always emit one, so each sentence
also gets a frame budget from its length, and trailing near-silence is trimmed from the audio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import librosa
import numpy as np
import torch

from voxtune.models import mimi
from voxtune.models.base import GenerationResult


@dataclass(frozen=True)
class FrameBudget:
    """How many frames a sentence may take: ``1 s + seconds_per_character x characters``, capped."""

    frame_rate: float
    seconds_per_character: float
    max_seconds: float

    def frames(self, text: str) -> int:
        seconds = min(self.max_seconds, 1.0 + self.seconds_per_character * len(text))
        return max(1, int(np.ceil(seconds * self.frame_rate)))


def cut_at_end_of_audio(codes: torch.Tensor, end_code: int = 0) -> tuple[torch.Tensor, bool]:
    """Frames ``(frames, codebooks)`` up to the first end-of-audio frame (codebooks 0..K-2 all
    ``end_code``, the test transformers' generate stops on), and whether there was one."""
    is_end = (codes[:, :-1] == end_code).all(dim=-1)
    ends = is_end.nonzero()
    if ends.numel() == 0:
        return codes, False
    return codes[: int(ends[0])], True


def trim_trailing_silence(
    audio: np.ndarray, sample_rate: int, *, top_db: float = 40.0, keep_seconds: float = 0.15
) -> np.ndarray:
    """Cut audio after the last part louder than ``peak - top_db``, keeping a short natural tail."""
    if audio.size == 0 or not np.any(audio):
        return audio[:0]
    _, (_, end) = librosa.effects.trim(audio, top_db=top_db, frame_length=1024, hop_length=256)
    return audio[: min(len(audio), end + int(keep_seconds * sample_rate))]


@torch.no_grad()
def synthesise(
    core: torch.nn.Module,
    prompts: Sequence[list[int]],
    texts: Sequence[str],
    *,
    budget: FrameBudget,
    codebook_size: int,
    temperature: float,
    top_k: int,
    trim_top_db: float,
    sample_rate: int,
) -> list[GenerationResult]:
    """Generate one utterance per prompt (token ids ``<bos>[speaker]text<eos>``), decode with the
    model's codec and trim; sampling uses torch's global RNG (seed it for repeatable output)."""
    device = next(core.parameters()).device
    vocab = int(core.config.vocab_size)
    invalid = list(range(codebook_size, vocab))  # padding ids etc. are not codec codes
    sampling = {
        "do_sample": True,
        "temperature": temperature,
        "top_k": top_k,
        "depth_decoder_do_sample": True,
        "depth_decoder_temperature": temperature,
        "depth_decoder_top_k": top_k,
    }
    if invalid:
        sampling["suppress_tokens"] = invalid
        sampling["depth_decoder_suppress_tokens"] = invalid
    was_training = core.training
    core.eval()
    results = []
    try:
        for prompt, text in zip(prompts, texts, strict=True):
            ids = torch.tensor([prompt], dtype=torch.long, device=device)
            frames = core.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=budget.frames(text),
                **sampling,
            )[0]
            frames, ended = cut_at_end_of_audio(frames)
            audio = mimi.decode(core.codec_model, frames.T)
            audio = trim_trailing_silence(audio, sample_rate, top_db=trim_top_db)
            results.append(
                GenerationResult(
                    audio=audio.astype(np.float32),
                    sample_rate=sample_rate,
                    text=text,
                    stopped="end_of_audio" if ended else "length_limit",
                )
            )
    finally:
        core.train(was_training)
    return results
