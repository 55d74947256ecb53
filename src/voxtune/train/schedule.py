"""Learning-rate schedules (transformers' warmup + cosine / cosine with restarts / linear / constant)."""

from __future__ import annotations

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LambdaLR
from transformers.optimization import (
    get_constant_schedule_with_warmup,
    get_cosine_schedule_with_warmup,
    get_cosine_with_hard_restarts_schedule_with_warmup,
    get_cosine_with_min_lr_schedule_with_warmup,
    get_linear_schedule_with_warmup,
)

from voxtune.train.config import ScheduleSpec


def make_schedule(optimizer: Optimizer, spec: ScheduleSpec, *, steps: int, warmup_steps: int) -> LambdaLR:
    """The scheduler for one stage of ``steps`` optimizer steps."""
    warmup = min(warmup_steps, max(0, steps - 1))
    if spec.kind == "constant":
        return get_constant_schedule_with_warmup(optimizer, warmup)
    if spec.kind == "linear":
        return get_linear_schedule_with_warmup(optimizer, warmup, steps)
    if spec.restarts:
        return get_cosine_with_hard_restarts_schedule_with_warmup(
            optimizer, warmup, steps, num_cycles=spec.restarts + 1
        )
    if spec.min_lr_ratio:
        return get_cosine_with_min_lr_schedule_with_warmup(
            optimizer, warmup, steps, min_lr_rate=spec.min_lr_ratio
        )
    return get_cosine_schedule_with_warmup(optimizer, warmup, steps)
