"""Speech from text with CSM, with the end-of-audio handling that avoids long silent tails.

transformers' ``generate`` runs the backbone + depth decoder frame by frame and stops at an
end-of-audio frame (all codes 0). A fine-tuned adapter does not always emit one, so each sentence
also gets a frame budget from its length, and trailing near-silence is trimmed from the audio.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def _sampling(core: torch.nn.Module, codebook_size: int, temperature: float, top_k: int) -> dict:
    """transformers generate() arguments: sample both stages, never emit ids that are not codec codes."""
    vocab = int(core.config.vocab_size)
    invalid = list(range(codebook_size, vocab))  # padding ids etc. are not codec codes
    sampling: dict = {
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
    return sampling


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
    sampling = _sampling(core, codebook_size, temperature, top_k)
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


FIRST_PIECE_FRAMES = 4
"""Frames generated before the first piece of streamed audio (0.32 s at Mimi's 12.5 Hz)."""
MAX_PIECE_FRAMES = 25
"""Pieces grow (4, 8, 16 frames...) up to this many frames (2 s) each."""


class _FrameStreamer:
    """A transformers streamer receiving CSM's frames one by one; it decodes what it has at growing
    intervals and hands the new audio on.

    Mimi decodes causally, so the audio of the first n frames is a prefix of the audio of more frames;
    the newest frame's samples are held back until the next frame arrives, and everything left is
    handed over at the end.
    """

    def __init__(self, codec: torch.nn.Module, on_audio: Callable[[np.ndarray], None]):
        self.codec = codec
        self.on_audio = on_audio
        self.frames: list[torch.Tensor] = []
        self.ended = False
        self.pieces: list[np.ndarray] = []
        self._prompt_seen = False
        self._sent = 0
        self._next = FIRST_PIECE_FRAMES

    def put(self, value: torch.Tensor) -> None:
        if not self._prompt_seen:  # generate() first hands over the prompt's token ids
            self._prompt_seen = True
            return
        if self.ended:
            return
        frame = value[0]
        if bool((frame[:-1] == 0).all()):  # the end-of-audio frame (see cut_at_end_of_audio)
            self.ended = True
            return
        self.frames.append(frame)
        if len(self.frames) >= self._next:
            self._send(held_back=1)
            step = min(MAX_PIECE_FRAMES, self._next)
            self._next += step

    def end(self) -> None:
        pass

    def finish(self) -> None:
        self._send(held_back=0)

    def _send(self, held_back: int) -> None:
        if not self.frames:
            return
        audio = mimi.decode(self.codec, torch.stack(self.frames).T)
        ready = len(audio) * (len(self.frames) - held_back) // len(self.frames)
        if ready > self._sent:
            piece = audio[self._sent : ready].astype(np.float32)
            self._sent = ready
            self.pieces.append(piece)
            self.on_audio(piece)


@torch.no_grad()
def synthesise_incremental(
    core: torch.nn.Module,
    prompt: list[int],
    text: str,
    on_audio: Callable[[np.ndarray], None],
    *,
    budget: FrameBudget,
    codebook_size: int,
    temperature: float,
    top_k: int,
    sample_rate: int,
) -> GenerationResult:
    """``synthesise`` for one prompt, handing audio to ``on_audio`` as frames are generated.

    The frames are the ones ``synthesise`` samples with the same RNG state; the audio is not trimmed of
    trailing near-silence (it is already sent when that could be known). An exception from
    ``on_audio`` stops generation.
    """
    device = next(core.parameters()).device
    streamer = _FrameStreamer(core.codec_model, on_audio)
    was_training = core.training
    core.eval()
    try:
        ids = torch.tensor([prompt], dtype=torch.long, device=device)
        core.generate(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            max_new_tokens=budget.frames(text),
            streamer=streamer,
            **_sampling(core, codebook_size, temperature, top_k),
        )
        streamer.finish()
    finally:
        core.train(was_training)
    audio = np.concatenate(streamer.pieces) if streamer.pieces else np.zeros(0, dtype=np.float32)
    return GenerationResult(
        audio=audio,
        sample_rate=sample_rate,
        text=text,
        stopped="end_of_audio" if streamer.ended else "length_limit",
    )
