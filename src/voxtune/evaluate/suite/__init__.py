"""Evaluation suites: base model vs adapters on a test split, a regression set and confusion sentences.

``config`` (the YAML), ``items`` (what is evaluated), ``systems`` (base + adapters), ``generation``
(running a system on an item), ``judges`` and ``scoring`` (per-item metrics), ``summary`` (means,
intervals, paired deltas) and ``run`` (the whole suite and its outputs).
"""

from __future__ import annotations

from voxtune.evaluate.suite.config import EvalConfig, load_eval_config
from voxtune.evaluate.suite.run import EvalResult, run_evaluation

__all__ = ["EvalConfig", "EvalResult", "load_eval_config", "run_evaluation"]
