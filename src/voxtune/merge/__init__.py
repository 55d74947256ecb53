"""Merging adapters into their base and writing standalone models (``voxtune merge``)."""

from voxtune.merge.adapters import load_merged, merge_adapter
from voxtune.merge.moshi_finetune import import_original, merge_finetune_adapter
from voxtune.merge.result import MergeResult, write_report

__all__ = [
    "MergeResult",
    "import_original",
    "load_merged",
    "merge_adapter",
    "merge_finetune_adapter",
    "write_report",
]
