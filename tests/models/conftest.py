"""Tiny models run on one CPU thread: their ops are too small for threads to pay, and on a shared
machine extra threads only contend."""

import torch

from support.tiny_csm import fsdd_corpus_dir, tiny_csm  # noqa: F401  (fixtures)

torch.set_num_threads(1)
