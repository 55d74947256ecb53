"""Kyutai STT's pause-prediction heads, which transformers' STT class does not have.

Verified against kyutai-labs/moshi: the LM holds ``extra_heads`` = N ``nn.Linear(dim, 6, bias=False)``
saved as ``extra_heads.{i}.weight`` ``[6, dim]`` (moshi/models/lm.py). Each step they are applied to the
transformer output *after* ``out_norm`` (lm.rs ``forward_cond`` returns the normed state; lm.py likewise),
the logits are softmaxed in float32 and the Rust server reports class 0 of each head (asr.rs:
``softmax_last_dim(...).i((.., 0, 0))``). The Rust server only loads them when its config has an
``extra_heads`` section.

In transformers the matching state is ``model.model(...).last_hidden_state`` of
``KyutaiSpeechToTextForConditionalGeneration`` (the decoder applies ``norm`` last); with
``output_hidden_states=True`` transformers 5.x also puts that normed state as the last entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import torch
from torch import nn

from voxtune.models.kyutai.key_report import CheckpointMismatchError, KeyReport

PAUSE_HEAD_PREFIX = "extra_heads."
PAUSE_CLASSES = 6
_HEAD_KEY = re.compile(r"^extra_heads\.(\d+)\.weight$")


class PauseHeads(nn.Module):
    """N linear heads (``hidden_size -> num_classes``, no bias) on the post-norm final hidden state."""

    def __init__(self, hidden_size: int, num_heads: int, num_classes: int = PAUSE_CLASSES):
        super().__init__()
        self.heads = nn.ModuleList(nn.Linear(hidden_size, num_classes, bias=False) for _ in range(num_heads))

    @property
    def num_heads(self) -> int:
        return len(self.heads)

    @classmethod
    def from_original_state_dict(cls, state_dict: Mapping[str, torch.Tensor]) -> PauseHeads | None:
        """The heads stored as ``extra_heads.{i}.weight`` in a kyutai checkpoint, or None if it has none."""
        tensors = {int(m.group(1)): v for k, v in state_dict.items() if (m := _HEAD_KEY.match(k))}
        strays = sorted(k for k in state_dict if k.startswith(PAUSE_HEAD_PREFIX) and not _HEAD_KEY.match(k))
        if not tensors and not strays:
            return None
        shapes = {tuple(v.shape) for v in tensors.values()}
        if (
            strays
            or set(tensors) != set(range(len(tensors)))
            or len(shapes) != 1
            or len(next(iter(shapes))) != 2
        ):
            found = [f"{PAUSE_HEAD_PREFIX}{i}.weight {list(v.shape)}" for i, v in sorted(tensors.items())]
            raise CheckpointMismatchError(
                "the pause heads must be extra_heads.0..N-1.weight, all of one [classes, dim] shape",
                KeyReport(unexpected=strays + found),
            )
        num_classes, hidden_size = next(iter(shapes))
        heads = cls(hidden_size, len(tensors), num_classes)
        with torch.no_grad():
            for i, head in enumerate(heads.heads):
                head.weight.copy_(tensors[i])
        return heads.to(tensors[0].dtype)

    def to_original_state_dict(self) -> dict[str, torch.Tensor]:
        """The heads under kyutai's names, ``extra_heads.{i}.weight``."""
        return {f"{PAUSE_HEAD_PREFIX}{i}.weight": head.weight.detach() for i, head in enumerate(self.heads)}

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        """Logits ``[..., num_heads, num_classes]`` for post-norm hidden states ``[..., hidden_size]``."""
        return torch.stack([head(hidden_states) for head in self.heads], dim=-2)

    def pause_probabilities(self, hidden_states: torch.Tensor) -> torch.Tensor:
        """Per frame and head, the float32 softmax probability of class 0 (what kyutai's server reports).

        ``hidden_states`` ``[batch, frames, hidden_size]`` must be the post-norm final state; the result
        is ``[batch, frames, num_heads]``.
        """
        logits = self(hidden_states.to(self.heads[0].weight.dtype))
        return torch.softmax(logits.float(), dim=-1)[..., 0]


def without_pause_heads(state_dict: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """``state_dict`` minus its ``extra_heads.*`` tensors."""
    return {k: v for k, v in state_dict.items() if not k.startswith(PAUSE_HEAD_PREFIX)}


def pause_head_tensors(
    extra_heads: PauseHeads | Mapping[str, torch.Tensor] | None,
) -> dict[str, torch.Tensor]:
    """``extra_heads`` (a :class:`PauseHeads`, kyutai-named tensors, or None) as kyutai-named tensors."""
    if extra_heads is None:
        return {}
    if isinstance(extra_heads, PauseHeads):
        return extra_heads.to_original_state_dict()
    heads = PauseHeads.from_original_state_dict(extra_heads)
    if heads is None or len(extra_heads) != heads.num_heads:
        raise CheckpointMismatchError(
            "extra_heads must hold only extra_heads.{i}.weight tensors",
            KeyReport(unexpected=sorted(k for k in extra_heads if not _HEAD_KEY.match(k))),
        )
    return {k: extra_heads[k] for k in sorted(extra_heads)}


def final_hidden_state(model: nn.Module, **inputs) -> torch.Tensor:
    """The post-norm final hidden state of a transformers STT model, the input pause heads expect.

    ``inputs`` are the decoder's (``input_ids`` ``[batch, frames, 1 + codebooks]``, ``attention_mask``...).
    """
    return model.model(**inputs).last_hidden_state
