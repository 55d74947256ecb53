"""Kyutai models as loaded families <-> their weights in kyutai's own naming.

kyutai's original checkpoints hold the LM only (and the STT pause heads), in the moshi package's or the
Rust server's naming; the Mimi codec, tokenizer and config a transformers model also needs come from a
transformers-format folder or hub id of the same model (``like``, e.g. ``kyutai/stt-1b-en_fr-trfs``).
These functions put original-named weights into such a loaded model (checking every key and shape)
and read them back out, so merging, exporting and training all run on one representation.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import torch
from safetensors import safe_open

from voxtune.models.base import LoadedModel
from voxtune.models.kyutai.checkpoint import ORIGINAL_WEIGHTS_NAME, read_original_state_dict
from voxtune.models.kyutai.key_report import CheckpointMismatchError, check_state_dict, model_shapes
from voxtune.models.kyutai.layouts import OriginalLayout
from voxtune.models.kyutai.naming_moshi import (
    MOSHI_NON_LM_PREFIXES,
    moshi_original_to_transformers,
    moshi_transformers_to_original,
)
from voxtune.models.kyutai.naming_stt import (
    STT_NON_LM_PREFIXES,
    stt_original_to_transformers,
    stt_transformers_to_original,
)
from voxtune.models.kyutai.pause_heads import PauseHeads

_ORIGINAL_MARKERS = ("text_emb.weight", "out_norm.alpha")


def _kind(loaded: LoadedModel) -> str:
    name = loaded.family.name
    if name not in ("kyutai_stt", "moshi"):
        raise TypeError(f"{name} models have no kyutai naming")
    return "stt" if name == "kyutai_stt" else "moshi"


def is_original_checkpoint(path: str | Path) -> bool:
    """Whether ``path`` (a safetensors file, or a folder with ``model.safetensors``) holds weights in
    kyutai's naming rather than transformers'."""
    path = Path(path)
    if path.is_dir():
        path = path / ORIGINAL_WEIGHTS_NAME
    if not (path.is_file() and path.suffix == ".safetensors"):
        return False
    with safe_open(str(path), framework="pt") as handle:
        keys = set(handle.keys())
    return any(marker in keys for marker in _ORIGINAL_MARKERS)


def original_state_dict(loaded: LoadedModel, *, layout: OriginalLayout = "rust") -> dict[str, torch.Tensor]:
    """The LM weights of ``loaded`` (adapters merged) in kyutai's naming, pause heads included."""
    model = loaded.model
    if _kind(loaded) == "stt":
        heads = loaded.extras.get("pause_heads")
        return stt_transformers_to_original(
            model.state_dict(), model.config, extra_heads=heads, layout=layout
        )
    return moshi_transformers_to_original(model.state_dict(), model.config, layout=layout)


def apply_original_weights(
    loaded: LoadedModel, weights: Mapping[str, torch.Tensor] | str | Path
) -> LoadedModel:
    """Replace the LM weights of ``loaded`` by ``weights`` (kyutai naming, any layout; or a checkpoint
    path) and, for STT, its pause heads by the checkpoint's ``extra_heads``.

    Raises CheckpointMismatchError listing every missing, extra or misshapen key.
    """
    source = None
    if not isinstance(weights, Mapping):
        weights, source = read_original_state_dict(weights)
    model = loaded.model
    kind = _kind(loaded)
    convert = stt_original_to_transformers if kind == "stt" else moshi_original_to_transformers
    non_lm = STT_NON_LM_PREFIXES if kind == "stt" else MOSHI_NON_LM_PREFIXES
    try:
        converted = convert(weights, model.config)
    except CheckpointMismatchError as exc:
        raise CheckpointMismatchError(
            f"the checkpoint does not fit the {loaded.source.reference} model",
            exc.report,
            path=source,
            hint=exc.hint,
        ) from exc
    check_state_dict(
        converted,
        model_shapes(model),
        what="the converted weights do not fit the model",
        ignore_prefixes=non_lm,
    )
    dtype = next(model.parameters()).dtype
    device = next(model.parameters()).device
    model.load_state_dict({k: v.to(device, dtype) for k, v in converted.items()}, strict=False)
    if kind == "stt":
        heads = PauseHeads.from_original_state_dict(weights)
        loaded.extras["pause_heads"] = None if heads is None else heads.to(device=device, dtype=dtype)
    if source is not None:
        loaded.extras["original_checkpoint"] = source
    return loaded
