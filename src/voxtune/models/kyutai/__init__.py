"""Kyutai models (STT 1B/2.6B, Moshi 7B): original checkpoint naming, pause heads, moshi-finetune LoRA."""

from __future__ import annotations

from voxtune.models.kyutai.checkpoint import (
    OriginalCheckpoint,
    load_original_checkpoint,
    read_original_state_dict,
    save_original_checkpoint,
)
from voxtune.models.kyutai.finetune_lora import (
    AdapterMismatchError,
    FinetuneAdapter,
    LoraMergeReport,
    merge_finetune_lora,
    read_finetune_adapter,
)
from voxtune.models.kyutai.key_report import (
    CheckpointMismatchError,
    KeyReport,
    check_state_dict,
    compare_state_dict,
)
from voxtune.models.kyutai.layouts import OriginalLayout, convert_layout, detect_layout
from voxtune.models.kyutai.naming_moshi import (
    moshi_original_to_transformers,
    moshi_transformers_to_original,
)
from voxtune.models.kyutai.naming_stt import (
    stt_original_to_transformers,
    stt_transformers_to_original,
)
from voxtune.models.kyutai.pause_heads import PauseHeads, final_hidden_state

__all__ = [
    "AdapterMismatchError",
    "CheckpointMismatchError",
    "FinetuneAdapter",
    "KeyReport",
    "LoraMergeReport",
    "OriginalCheckpoint",
    "OriginalLayout",
    "PauseHeads",
    "check_state_dict",
    "compare_state_dict",
    "convert_layout",
    "detect_layout",
    "final_hidden_state",
    "load_original_checkpoint",
    "merge_finetune_lora",
    "moshi_original_to_transformers",
    "moshi_transformers_to_original",
    "read_finetune_adapter",
    "read_original_state_dict",
    "save_original_checkpoint",
    "stt_original_to_transformers",
    "stt_transformers_to_original",
]
