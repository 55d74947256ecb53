"""Kyutai models (STT 1B/2.6B, Moshi 7B): original checkpoint naming, pause heads, moshi-finetune LoRA,
the per-frame text stream, sentencepiece tokenizers and the Rust server's config.

The model families themselves live in ``voxtune.models.kyutai_stt`` and ``voxtune.models.moshi``."""

from __future__ import annotations

from voxtune.models.kyutai.checkpoint import (
    OriginalCheckpoint,
    load_original_checkpoint,
    read_original_state_dict,
    save_original_checkpoint,
)
from voxtune.models.kyutai.convert import apply_original_weights, is_original_checkpoint, original_state_dict
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
from voxtune.models.kyutai.rust_server import stt_server_config, to_toml
from voxtune.models.kyutai.spm_tokenizer import fast_tokenizer, train_sentencepiece, word_tokens
from voxtune.models.kyutai.text_stream import TokenizedWord, stream_tokens, text_stream
from voxtune.models.kyutai.words import item_words

__all__ = [
    "AdapterMismatchError",
    "CheckpointMismatchError",
    "FinetuneAdapter",
    "KeyReport",
    "LoraMergeReport",
    "OriginalCheckpoint",
    "OriginalLayout",
    "PauseHeads",
    "TokenizedWord",
    "apply_original_weights",
    "check_state_dict",
    "compare_state_dict",
    "convert_layout",
    "detect_layout",
    "fast_tokenizer",
    "final_hidden_state",
    "is_original_checkpoint",
    "item_words",
    "load_original_checkpoint",
    "merge_finetune_lora",
    "moshi_original_to_transformers",
    "moshi_transformers_to_original",
    "original_state_dict",
    "read_finetune_adapter",
    "read_original_state_dict",
    "save_original_checkpoint",
    "stream_tokens",
    "stt_original_to_transformers",
    "stt_server_config",
    "stt_transformers_to_original",
    "text_stream",
    "to_toml",
    "train_sentencepiece",
    "word_tokens",
]
