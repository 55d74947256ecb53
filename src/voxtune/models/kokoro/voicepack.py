"""Kokoro voice packs: a ``[510, 1, 256]`` table with one style vector per input length.

For an input of L phonemes Kokoro uses row ``L - 1`` (``KPipeline.infer``: ``pack[len(ps) - 1]``); its
first 128 values condition the decoder (timbre), the last 128 the prosody predictor. ``VoiceTable`` is
a trainable table learnt on a speaker's data: the base pack plus a correction interpolated between
anchor rows, so that the lengths the corpus covers also move the rows between and beyond them (a plain
per-row table, ``anchors = 510``, only ever trains the rows of lengths it has seen).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

from voxtune.errors import InputError
from voxtune.models.kokoro.geometry import STYLE_SPLIT

VOICE_ROWS = 510
STYLE_SIZE = 256
PACK_SHAPE = (VOICE_ROWS, 1, STYLE_SIZE)


class VoicePackError(InputError):
    """A voice pack file or tensor is not a usable ``[510, 1, 256]`` table."""


def check_voice_pack(pack: torch.Tensor, *, where: str | Path | None = None) -> torch.Tensor:
    """``pack`` as float32 if it has Kokoro's voice-pack shape and finite values; VoicePackError otherwise."""
    if not isinstance(pack, torch.Tensor):
        raise VoicePackError(f"a voice pack must be a tensor, got {type(pack).__name__}", path=where)
    if tuple(pack.shape) != PACK_SHAPE:
        raise VoicePackError(
            f"voice pack has shape {list(pack.shape)}, Kokoro needs {list(PACK_SHAPE)} "
            "(one 256-value style per phoneme count 1..510)",
            path=where,
            hint="Export voices with voxtune (or Kokoro's own tools); a [256] or [1, 256] style vector "
            "can be spread over all rows with voice_pack_from_style",
        )
    if not torch.isfinite(pack).all():
        raise VoicePackError("voice pack holds NaN or infinite values", path=where)
    return pack.detach().to(torch.float32)


def voice_row_index(phoneme_count: int, rows: int = VOICE_ROWS) -> int:
    """The pack row Kokoro uses for an input of ``phoneme_count`` symbols (pads not counted)."""
    if not 1 <= phoneme_count <= rows:
        raise ValueError(f"an input has 1..{rows} phonemes, got {phoneme_count}")
    return phoneme_count - 1


def select_voice_rows(pack: torch.Tensor, phoneme_counts: torch.Tensor | Sequence[int]) -> torch.Tensor:
    """Style vectors ``[B, 256]`` for inputs of the given phoneme counts."""
    counts = torch.as_tensor(phoneme_counts, dtype=torch.long, device=pack.device)
    if counts.numel() and (counts.min() < 1 or counts.max() > pack.shape[0]):
        raise ValueError(f"phoneme counts must be in 1..{pack.shape[0]}, got {counts.tolist()}")
    return pack.reshape(pack.shape[0], -1)[counts - 1]


def split_style(style: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(decoder timbre ``[..., :128]``, predictor prosody ``[..., 128:]``) of style vectors."""
    return style[..., :STYLE_SPLIT], style[..., STYLE_SPLIT:]


def voice_pack_from_style(style: torch.Tensor) -> torch.Tensor:
    """A pack using one style vector ``[256]`` for every length."""
    return style.reshape(1, 1, STYLE_SIZE).expand(PACK_SHAPE).clone().to(torch.float32)


def save_voice_pack(pack: torch.Tensor, path: str | Path) -> Path:
    """Write a pack as Kokoro's ``voices/<name>.pt`` (a plain tensor, loadable with weights_only)."""
    path = Path(path)
    pack = check_voice_pack(pack, where=path).cpu().contiguous().clone()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        torch.save(pack, temporary)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def load_voice_pack(path: str | Path) -> torch.Tensor:
    """Read ``voices/<name>.pt``; VoicePackError when it is missing, unreadable or the wrong shape."""
    path = Path(path)
    if not path.is_file():
        raise VoicePackError("voice pack file not found", path=path)
    try:
        pack = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many kinds for a broken or foreign file
        raise VoicePackError(f"cannot read the voice pack ({type(exc).__name__}: {exc})", path=path) from None
    return check_voice_pack(pack, where=path)


def interpolation_weights(rows: int, anchors: int) -> torch.Tensor:
    """``[rows, anchors]`` weights spreading each row linearly between its two nearest anchor rows
    (anchors evenly spaced over the rows, the first and last row being anchors)."""
    if not 2 <= anchors <= rows:
        raise ValueError(f"need 2 <= anchors <= rows, got {anchors} anchors for {rows} rows")
    positions = np.linspace(0, rows - 1, anchors)
    weights = np.zeros((rows, anchors), dtype=np.float32)
    for row in range(rows):
        upper = min(int(np.searchsorted(positions, row, side="right")), anchors - 1)
        lower = upper - 1
        span = positions[upper] - positions[lower]
        t = (row - positions[lower]) / span
        weights[row, lower] = 1.0 - t
        weights[row, upper] += t
    return torch.from_numpy(weights)


class VoiceTable(nn.Module):
    """A trainable voice pack: ``base`` (fixed) plus a correction interpolated between ``anchors`` rows.

    The correction is a bias-free ``nn.Linear`` from interpolation weights to styles (zero at the
    start, so the table begins as ``base``), which lets LoRA adapt it as it adapts other linear layers.
    """

    def __init__(self, base: torch.Tensor, anchors: int = 32):
        super().__init__()
        base = check_voice_pack(base)
        self.register_buffer("base", base.reshape(VOICE_ROWS, STYLE_SIZE).clone())
        self.register_buffer("interpolation", interpolation_weights(VOICE_ROWS, anchors))
        self.anchors = nn.Linear(anchors, STYLE_SIZE, bias=False)
        nn.init.zeros_(self.anchors.weight)

    def forward(self, rows: torch.Tensor) -> torch.Tensor:
        """Styles ``[B, 256]`` of pack rows ``rows`` (0-based: phoneme count - 1)."""
        return self.base[rows] + self.anchors(self.interpolation[rows])

    def pack(self) -> torch.Tensor:
        """The whole table as a ``[510, 1, 256]`` voice pack (float32, detached)."""
        rows = torch.arange(VOICE_ROWS, device=self.base.device)
        with torch.no_grad():
            return self(rows).float().reshape(PACK_SHAPE).cpu()


class VoiceBank(nn.Module):
    """One VoiceTable per speaker, looked up by speaker index."""

    def __init__(self) -> None:
        super().__init__()
        self.tables = nn.ModuleList()
        self.names: list[str] = []

    def add(self, name: str, base: torch.Tensor, anchors: int = 32) -> int:
        """Add speaker ``name`` starting from pack ``base`` (on ``base``'s device; no-op when present);
        returns its index."""
        if name in self.names:
            return self.names.index(name)
        self.tables.append(VoiceTable(base, anchors))
        self.names.append(name)
        return len(self.names) - 1

    def index(self, name: str) -> int:
        if name not in self.names:
            raise KeyError(f"no voice '{name}' (voices: {', '.join(self.names) or 'none'})")
        return self.names.index(name)

    def forward(self, speakers: torch.Tensor, phoneme_counts: torch.Tensor) -> torch.Tensor:
        """Styles ``[B, 256]`` for items of speaker indices ``speakers`` and their phoneme counts."""
        rows = (phoneme_counts - 1).clamp(0, VOICE_ROWS - 1)
        out = torch.empty(len(rows), STYLE_SIZE, device=rows.device)
        parts = []
        for speaker in speakers.unique().tolist():
            chosen = (speakers == speaker).nonzero(as_tuple=True)[0]
            parts.append((chosen, self.tables[speaker](rows[chosen])))
        dtype = parts[0][1].dtype if parts else out.dtype
        out = out.to(dtype)
        for chosen, styles in parts:
            out = out.index_copy(0, chosen, styles)
        return out

    def packs(self) -> Mapping[str, torch.Tensor]:
        return {name: table.pack() for name, table in zip(self.names, self.tables, strict=True)}
