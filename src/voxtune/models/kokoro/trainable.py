"""A trainable Kokoro: KModel's forward without ``no_grad``, with teacher-forced durations (and F0),
returning everything the losses need, plus the voice tables it learns.

``KModel.forward_with_tokens`` runs under ``torch.no_grad()`` for one utterance and its own predicted
durations. Training needs, for a padded batch: the duration logits (whose sigmoid-sum is the
prediction), the F0 and noise curves the predictor makes over the *target* alignment, and audio decoded
from the aligned text features with target (early) or predicted F0 and noise. The decoder -- most of the
compute -- runs on a window of frames at the same place in each item (as StyleTTS2 crops), so long
items cost no more than short ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch import nn
from torch.utils.checkpoint import checkpoint

from voxtune.errors import InputError
from voxtune.models.kokoro.checkpoint import export_kokoro, kokoro_files, load_kmodel
from voxtune.models.kokoro.geometry import KokoroGeometry, geometry_from_config
from voxtune.models.kokoro.losses import predicted_durations
from voxtune.models.kokoro.voicepack import PACK_SHAPE, VoiceBank, split_style

FreezeGroup = Literal["bert", "bert_encoder", "predictor", "text_encoder", "decoder", "voice_bank"]
"""Parameter groups (KModel's components and the voice tables) that can be frozen by name."""
COMPONENT_GROUPS: tuple[str, ...] = get_args(FreezeGroup)
FULL_STATE_FILE = "model.safetensors"


@dataclass
class KokoroForward:
    """What one training forward produced (padded; masks say what is real).

    ``f0``/``noise`` are the predictor's curves over the target alignment (``[B, 2 * frames]``);
    ``audio`` is decoded for ``window`` duration frames starting at ``window_start`` in each item.
    """

    duration_logits: torch.Tensor
    token_mask: torch.Tensor
    f0: torch.Tensor
    noise: torch.Tensor
    frame_mask: torch.Tensor
    audio: torch.Tensor
    window_start: torch.Tensor
    window: int

    @property
    def durations(self) -> torch.Tensor:
        return predicted_durations(self.duration_logits)


def alignment_matrix(durations: torch.Tensor, frames: int) -> torch.Tensor:
    """``[B, T, frames]`` one-hot alignment: frame f belongs to the token whose duration span holds it
    (frames past an item's total belong to no token)."""
    ends = durations.cumsum(dim=1)
    positions = torch.arange(frames, device=durations.device)
    token = torch.searchsorted(ends, positions.expand(len(durations), frames).contiguous(), right=True)
    real = token < durations.shape[1]
    one_hot = F.one_hot(token.clamp(max=durations.shape[1] - 1), durations.shape[1]).to(torch.float32)
    return (one_hot * real.unsqueeze(-1)).transpose(1, 2)


def padding_mask(lengths: torch.Tensor, size: int) -> torch.Tensor:
    """True at padded positions (KModel's ``text_mask`` convention)."""
    return torch.arange(size, device=lengths.device).unsqueeze(0) >= lengths.unsqueeze(1)


def window_starts(frames: torch.Tensor, window: int, *, random: bool) -> torch.Tensor:
    """Start frame of the decoded window in each item: random in training, centred otherwise."""
    room = (frames - window).clamp(min=0)
    if random:
        return (torch.rand(len(frames), device=frames.device) * (room + 1)).floor().long().clamp(max=room)
    return room // 2


def frame_windows(values: torch.Tensor, starts: torch.Tensor, size: int) -> torch.Tensor:
    """``values[b, ..., starts[b] : starts[b] + size]`` stacked over the batch."""
    return torch.stack([v[..., int(s) : int(s) + size] for v, s in zip(values, starts, strict=True)])


class KokoroTrainable(nn.Module):
    """KModel (``self.kokoro``) + per-speaker voice tables (``self.voice_bank``), trainable end to end."""

    def __init__(self, kmodel: nn.Module, config: Mapping[str, Any]):
        super().__init__()
        self.kokoro = kmodel
        self.voice_bank = VoiceBank()
        self.config = dict(config)
        self.geometry: KokoroGeometry = geometry_from_config(config)
        self.frozen: frozenset[str] = frozenset()
        """Components run without gradients (a stage's ``freeze`` setting)."""
        self.decoder_checkpointing = False
        self.prepared = False
        """Set once the family has added the corpus's voices and symbols (``prepare_for_corpus``)."""
        self.voice_names: dict[str, str] = {}
        """Exported name of each voice table (corpus speaker -> voice name); default: the speaker."""
        self.adversary: Any = None
        """Discriminators of adversarial training (an ``AdversarialTraining``, not a sub-module, so the
        trainer's optimizer never sees them); created by the family on first use."""

    # -- export ------------------------------------------------------------------------------
    def voice_packs(self) -> dict[str, torch.Tensor]:
        """Each voice table as a ``[510, 1, 256]`` pack, under its exported name."""
        return {self.voice_names.get(name, name): pack for name, pack in self.voice_bank.packs().items()}

    def save_pretrained(self, folder: str | Path) -> Path:
        """Write the model in Kokoro's layout (config.json, kokoro-v1_0.pth, voices/<name>.pt), which
        ``KModel`` loads by path, plus ``model.safetensors`` (every weight and voice table by name) for
        voxtune to reload; the trainer calls this for full fine-tuning."""
        folder = export_kokoro(self.kokoro, self.config, folder, self.voice_packs(), vocab=self.kokoro.vocab)
        state = {name: value.detach().cpu().contiguous() for name, value in self.state_dict().items()}
        voices = json.dumps({"tables": self.voice_bank.names, "names": self.voice_names}, ensure_ascii=False)
        save_file(state, str(Path(folder) / FULL_STATE_FILE), metadata={"format": "pt", "voices": voices})
        return Path(folder)

    @classmethod
    def from_pretrained(cls, folder: str | Path, dtype: torch.dtype | None = None) -> KokoroTrainable:
        """The model ``save_pretrained`` wrote: KModel from the Kokoro files, voice tables and every
        weight from ``model.safetensors``."""
        folder = Path(folder)
        files = kokoro_files(folder)
        config = files.read_config()
        model = cls(load_kmodel(files, config), config)
        path = folder / FULL_STATE_FILE
        if not path.is_file():
            raise InputError(
                f"no {FULL_STATE_FILE}: not a folder saved by a voxtune full fine-tune", path=folder
            )
        with safe_open(str(path), framework="pt") as handle:
            voices = json.loads((handle.metadata() or {}).get("voices", "{}"))
        state = load_file(str(path))
        for index, name in enumerate(voices.get("tables", [])):
            anchors = state[f"voice_bank.tables.{index}.anchors.weight"].shape[1]
            model.voice_bank.add(name, state[f"voice_bank.tables.{index}.base"].reshape(PACK_SHAPE), anchors)
        model.voice_names = dict(voices.get("names", {}))
        model.load_state_dict(state)
        model.prepared = True
        return model.to(dtype) if dtype is not None else model

    # -- switches --------------------------------------------------------------------------
    def freeze(self, groups: Iterable[str]) -> None:
        """Run the named components without gradients (they stay exactly as they are)."""
        groups = frozenset(groups)
        unknown = groups - set(COMPONENT_GROUPS)
        if unknown:
            raise ValueError(
                f"unknown parameter group(s) {sorted(unknown)}; groups: {', '.join(COMPONENT_GROUPS)}"
            )
        self.frozen = groups

    def gradient_checkpointing_enable(
        self, gradient_checkpointing_kwargs: dict[str, Any] | None = None
    ) -> None:
        """Recompute ALBERT's and the decoder's activations in the backward pass to save memory."""
        self.kokoro.bert.gradient_checkpointing_enable(
            gradient_checkpointing_kwargs=gradient_checkpointing_kwargs
        )
        self.decoder_checkpointing = True

    def _grad(self, group: str) -> Any:
        return torch.no_grad() if group in self.frozen else nullcontext()

    # -- pieces ------------------------------------------------------------------------------
    def styles(self, speakers: torch.Tensor, phoneme_counts: torch.Tensor) -> torch.Tensor:
        """``[B, 256]`` style vectors from the voice tables (row = phoneme count - 1)."""
        with self._grad("voice_bank"):
            return self.voice_bank(speakers, phoneme_counts)

    def encode(
        self, input_ids: torch.Tensor, lengths: torch.Tensor, style: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """(duration features ``d`` [B, T, C], duration logits [B, T, max_dur], text features
        [B, hidden, T], padding mask [B, T]) of a padded batch of token ids (pads included)."""
        kokoro = self.kokoro
        mask = padding_mask(lengths, input_ids.shape[1])
        _, prosody = split_style(style)
        with self._grad("bert"):
            bert = kokoro.bert(input_ids, attention_mask=(~mask).int())
        with self._grad("bert_encoder"):
            d_en = kokoro.bert_encoder(bert).transpose(-1, -2)
        cpu_lengths = lengths.cpu()
        with self._grad("predictor"):
            d = kokoro.predictor.text_encoder(d_en, prosody, cpu_lengths, mask)
            packed = nn.utils.rnn.pack_padded_sequence(d, cpu_lengths, batch_first=True, enforce_sorted=False)
            kokoro.predictor.lstm.flatten_parameters()
            x, _ = kokoro.predictor.lstm(packed)
            x, _ = nn.utils.rnn.pad_packed_sequence(x, batch_first=True, total_length=input_ids.shape[1])
            logits = kokoro.predictor.duration_proj(x)
        with self._grad("text_encoder"):
            text = kokoro.text_encoder(input_ids, cpu_lengths, mask)
        return d, logits, text, mask

    def prosody(
        self, d: torch.Tensor, alignment: torch.Tensor, style: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """F0 and noise curves ``[B, 2 * frames]`` over an alignment."""
        _, prosody = split_style(style)
        with self._grad("predictor"):
            return self.kokoro.predictor.F0Ntrain(d.transpose(-1, -2) @ alignment, prosody)

    def decode(
        self, text: torch.Tensor, f0: torch.Tensor, noise: torch.Tensor, style: torch.Tensor
    ) -> torch.Tensor:
        """Audio ``[B, duration_hop * frames]`` from aligned text features ``[B, hidden, frames]``."""
        timbre, _ = split_style(style)
        with self._grad("decoder"):
            if self.decoder_checkpointing and torch.is_grad_enabled():
                audio = checkpoint(self.kokoro.decoder, text, f0, noise, timbre, use_reentrant=False)
            else:
                audio = self.kokoro.decoder(text, f0, noise, timbre)
        return audio.squeeze(1)

    # -- training ----------------------------------------------------------------------------
    def forward(
        self,
        input_ids: torch.Tensor,
        input_lengths: torch.Tensor,
        durations: torch.Tensor,
        speakers: torch.Tensor,
        f0: torch.Tensor | None = None,
        energy: torch.Tensor | None = None,
        *,
        teacher_f0: bool = True,
        window: int | None = None,
        style: torch.Tensor | None = None,
    ) -> KokoroForward:
        """Teacher-forced forward of a padded batch.

        ``durations`` ``[B, T]`` (frames per token, pads included) define the alignment; with
        ``teacher_f0`` the decoder gets the target ``f0``/``energy`` curves, else the predicted ones.
        ``window`` caps the decoded frames (default: the shortest item's length). Runs in float32
        even under autocast: Kokoro's LSTMs and inverse STFT want it, and 82 M parameters do not
        need half precision.
        """
        with torch.autocast(input_ids.device.type, enabled=False):
            return self._forward(
                input_ids,
                input_lengths,
                durations,
                speakers,
                f0,
                energy,
                teacher_f0=teacher_f0,
                window=window,
                style=style,
            )

    def _forward(
        self,
        input_ids: torch.Tensor,
        input_lengths: torch.Tensor,
        durations: torch.Tensor,
        speakers: torch.Tensor,
        f0: torch.Tensor | None,
        energy: torch.Tensor | None,
        *,
        teacher_f0: bool,
        window: int | None,
        style: torch.Tensor | None,
    ) -> KokoroForward:
        if style is None:
            style = self.styles(speakers, input_lengths - 2)
        style = style.to(self.kokoro.bert_encoder.weight.dtype)
        frames = durations.sum(dim=1)
        d, logits, text, mask = self.encode(input_ids, input_lengths, style)
        alignment = alignment_matrix(durations, int(frames.max())).to(d.dtype)
        f0_predicted, noise_predicted = self.prosody(d, alignment, style)
        aligned_text = text @ alignment
        size = int(frames.min()) if window is None else min(int(window), int(frames.min()))
        starts = window_starts(frames, size, random=self.training)
        if teacher_f0:
            if f0 is None or energy is None:
                raise ValueError("teacher_f0 needs the target f0 and energy curves")
            f0_in, noise_in = f0, energy
        else:
            f0_in, noise_in = f0_predicted, noise_predicted
        ratio = self.geometry.f0_per_duration_frame
        audio = self.decode(
            frame_windows(aligned_text, starts, size),
            frame_windows(f0_in.to(style.dtype), starts * ratio, size * ratio),
            frame_windows(noise_in.to(style.dtype), starts * ratio, size * ratio),
            style,
        )
        frame_mask = ~padding_mask(frames * ratio, f0_predicted.shape[1])
        return KokoroForward(logits, ~mask, f0_predicted, noise_predicted, frame_mask, audio, starts, size)

    # -- inference ---------------------------------------------------------------------------
    @torch.no_grad()
    def synthesise(
        self,
        input_ids: torch.Tensor,
        style: torch.Tensor,
        *,
        speed: float = 1.0,
        max_frames: int | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Audio and per-token durations for one input ``[1, T]`` (pads included), with the model's own
        durations as ``KModel`` computes them; ``max_frames`` scales them down when a barely trained
        model asks for more."""
        with torch.autocast(input_ids.device.type, enabled=False):
            return self._synthesise(input_ids, style, speed=speed, max_frames=max_frames)

    def _synthesise(
        self, input_ids: torch.Tensor, style: torch.Tensor, *, speed: float, max_frames: int | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        style = style.to(self.kokoro.bert_encoder.weight.dtype).reshape(1, -1)
        lengths = torch.tensor([input_ids.shape[1]], device=input_ids.device)
        d, logits, text, _ = self.encode(input_ids, lengths, style)
        durations = torch.round(predicted_durations(logits) / speed).clamp(min=1).long()
        if max_frames is not None and int(durations.sum()) > max_frames:
            durations = (durations.float() * max_frames / durations.sum()).floor().clamp(min=1).long()
        alignment = alignment_matrix(durations, int(durations.sum())).to(d.dtype)
        f0, noise = self.prosody(d, alignment, style)
        audio = self.decode(text @ alignment, f0, noise, style)
        return audio[0].float(), durations[0]
