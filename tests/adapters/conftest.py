"""Tiny models for adapter tests run on one CPU thread (their ops are too small for threads to pay)."""

import torch

from support.tiny_csm import tiny_csm  # noqa: F401  (fixture)

torch.set_num_threads(1)
