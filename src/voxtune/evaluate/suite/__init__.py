"""Evaluation suites: base model vs adapters on a test split, a regression set and confusion sentences.

``config`` (the YAML), ``items`` (what is evaluated), ``systems`` (base + adapters), ``generation``
(running a system on an item), ``judges`` and ``scoring`` (per-item metrics), ``summary`` (means,
intervals, paired deltas) and ``run`` (the whole suite and its outputs).
"""

from __future__ import annotations

from typing import Any

from voxtune.evaluate.suite.config import EvalConfig, load_eval_config

__all__ = ["EvalConfig", "EvalResult", "load_eval_config", "run_evaluation"]


def __getattr__(name: str) -> Any:
    """``run_evaluation`` and ``EvalResult`` on first use: they import torch and the model families,
    which a config check (or ``--help``) should not wait for."""
    if name in ("run_evaluation", "EvalResult"):
        from voxtune.evaluate.suite import run

        return getattr(run, name)
    raise AttributeError(name)
