"""Load kyutai's original checkpoints into transformers models, and write them back for kyutai's server.

A transformers config is needed to build the model: kyutai's own repos ship a config.json in the
``moshi`` package's format, which transformers cannot read. Use the transformers-format repos
(for STT e.g. ``kyutai/stt-2.6b-en-trfs``, ``kyutai/stt-1b-en_fr-trfs``; for Moshi ``kmhf/hf-moshiko``):
download one (``huggingface-cli download REPO``) and pass its folder as ``config``. When that folder
also holds transformers weights, the model is built from it with ``from_pretrained`` so the Mimi codec
gets real weights; the LM weights are then replaced by the original checkpoint's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
from safetensors.torch import load_file, save_file
from transformers import (
    KyutaiSpeechToTextConfig,
    KyutaiSpeechToTextForConditionalGeneration,
    MoshiConfig,
    MoshiForConditionalGeneration,
    PreTrainedConfig,
    PreTrainedModel,
)

from voxtune.errors import ConfigError, InputError
from voxtune.models.kyutai.key_report import CheckpointMismatchError, check_state_dict, model_shapes
from voxtune.models.kyutai.layouts import OriginalLayout, detect_layout
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

logger = logging.getLogger(__name__)

Family = Literal["stt", "moshi"]

#: The file name kyutai's repos give the LM weights.
ORIGINAL_WEIGHTS_NAME = "model.safetensors"

_FAMILIES = {
    "stt": (
        KyutaiSpeechToTextConfig,
        KyutaiSpeechToTextForConditionalGeneration,
        STT_NON_LM_PREFIXES,
    ),
    "moshi": (MoshiConfig, MoshiForConditionalGeneration, MOSHI_NON_LM_PREFIXES),
}
_TO_TRANSFORMERS = {"stt": stt_original_to_transformers, "moshi": moshi_original_to_transformers}
_TO_ORIGINAL = {"stt": stt_transformers_to_original, "moshi": moshi_transformers_to_original}
_CONFIG_HINT = (
    "Pass a transformers config or the folder of a transformers-format repo (it has config.json with a "
    "model_type), e.g. kyutai/stt-2.6b-en-trfs or kyutai/stt-1b-en_fr-trfs for STT, kmhf/hf-moshiko for Moshi"
)


@dataclass
class OriginalCheckpoint:
    """A transformers model holding an original checkpoint's weights, and what else the checkpoint held.

    ``codec_loaded`` says whether the Mimi codec (``codec_model`` / ``audio_encoder``) has trained weights;
    it is False when the model was built from a bare config, and then the codec is randomly initialised.
    """

    model: PreTrainedModel
    pause_heads: PauseHeads | None
    layout: OriginalLayout
    source: Path
    codec_loaded: bool


def read_original_state_dict(path_or_folder: str | Path) -> tuple[dict[str, torch.Tensor], Path]:
    """The tensors of a kyutai checkpoint: a ``.safetensors`` file, or a folder with ``model.safetensors``."""
    path = Path(path_or_folder)
    if path.is_dir():
        if not (path / ORIGINAL_WEIGHTS_NAME).is_file():
            found = sorted(p.name for p in path.glob("*.safetensors"))
            raise InputError(
                f"no {ORIGINAL_WEIGHTS_NAME} in the folder (found: {', '.join(found) or 'no safetensors'})",
                path=path,
                hint="pass the LM weights file itself",
            )
        path = path / ORIGINAL_WEIGHTS_NAME
    if not path.is_file():
        raise InputError("checkpoint file not found", path=path)
    try:
        return load_file(str(path)), path
    except Exception as exc:  # safetensors raises its own error types for corrupt headers
        raise InputError(f"cannot read the checkpoint as safetensors: {exc}", path=path) from exc


def load_original_checkpoint(
    path_or_folder: str | Path,
    family: Family = "stt",
    config: PreTrainedConfig | str | Path | None = None,
    *,
    dtype: torch.dtype | None = None,
) -> OriginalCheckpoint:
    """Build a transformers model for ``family`` and load a kyutai checkpoint (any original layout) into it.

    ``config``: a transformers config, or a folder / config.json of a transformers-format repo; None looks
    for a transformers config.json beside the checkpoint. Pause heads (``extra_heads.*``) come back as
    :class:`PauseHeads`. Keys that do not fit raise :class:`CheckpointMismatchError` listing them.
    """
    _, model_class, non_lm = _family(family)
    state_dict, source = read_original_state_dict(path_or_folder)
    config_obj, weights_folder = _resolve_config(config, family, source.parent)
    if weights_folder is not None and weights_folder.resolve() == source.parent.resolve():
        weights_folder = None  # the weights beside that config.json are the original checkpoint itself
    try:
        lm_weights = _TO_TRANSFORMERS[family](state_dict, config_obj)
    except CheckpointMismatchError as exc:
        raise CheckpointMismatchError(
            f"the {family} checkpoint does not fit the transformers config",
            exc.report,
            path=source,
            hint=exc.hint,
        ) from exc
    if weights_folder is not None:
        model = model_class.from_pretrained(weights_folder, config=config_obj, dtype=dtype or torch.float32)
    else:
        model = model_class._from_config(config_obj, dtype=dtype or torch.float32)
        logger.warning("built %s from a config only: its codec weights are random", model_class.__name__)
    check_state_dict(
        lm_weights,
        model_shapes(model),
        what="the converted weights do not fit the model",
        ignore_prefixes=non_lm,
        path=source,
    )
    model.load_state_dict(lm_weights, strict=False)
    model.eval()
    heads = PauseHeads.from_original_state_dict(state_dict)
    if heads is not None:
        heads = heads.to(dtype or torch.float32)
    return OriginalCheckpoint(
        model=model,
        pause_heads=heads,
        layout=detect_layout(state_dict),
        source=source,
        codec_loaded=weights_folder is not None,
    )


def save_original_checkpoint(
    model: PreTrainedModel,
    path: str | Path,
    dtype: torch.dtype = torch.bfloat16,
    extra_heads: PauseHeads | Mapping[str, torch.Tensor] | None = None,
    *,
    layout: OriginalLayout = "rust",
) -> Path:
    """Write ``model``'s LM weights (and pause heads) as one safetensors file in kyutai's naming.

    The default ``layout`` is the one kyutai's Rust server reads; LoRA adapters must be merged first.
    Floating-point tensors are cast to ``dtype``. Returns the path written.
    """
    family = _family_of(model)
    original = _TO_ORIGINAL[family](model.state_dict(), model.config, extra_heads=extra_heads, layout=layout)
    tensors = {
        key: value.detach().to(
            device="cpu", dtype=dtype if value.is_floating_point() else value.dtype, copy=True
        )
        for key, value in sorted(original.items())
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(target), metadata={"format": "pt"})
    return target


def _family(family: str):
    if family not in _FAMILIES:
        raise ConfigError(f"unknown Kyutai model family {family!r}", hint="use 'stt' or 'moshi'")
    return _FAMILIES[family]


def _family_of(model: PreTrainedModel) -> Family:
    for family, (_, model_class, _) in _FAMILIES.items():
        if isinstance(model, model_class):
            return family  # type: ignore[return-value]
    raise ConfigError(
        f"cannot export a {type(model).__name__} in kyutai's naming",
        hint="export KyutaiSpeechToTextForConditionalGeneration or MoshiForConditionalGeneration",
    )


def _resolve_config(
    config: PreTrainedConfig | str | Path | None, family: Family, checkpoint_folder: Path
) -> tuple[PreTrainedConfig, Path | None]:
    """The transformers config, and the folder to ``from_pretrained`` when it also holds weights."""
    config_class = _FAMILIES[family][0]
    if isinstance(config, PreTrainedConfig):
        if not isinstance(config, config_class):
            raise ConfigError(
                f"a {type(config).__name__} cannot describe a {family} model", hint=_CONFIG_HINT
            )
        return config, None
    if config is None:
        candidate = checkpoint_folder / "config.json"
        if not candidate.is_file() or "model_type" not in _read_json(candidate):
            raise ConfigError("no transformers config given for the checkpoint", hint=_CONFIG_HINT)
        config = candidate
    config_path = Path(config)
    json_path = config_path / "config.json" if config_path.is_dir() else config_path
    if not json_path.is_file():
        raise ConfigError("config.json not found", path=json_path, hint=_CONFIG_HINT)
    raw = _read_json(json_path)
    if "model_type" not in raw:
        raise ConfigError(
            "this config.json is in kyutai's own format, not a transformers config",
            path=json_path,
            hint=_CONFIG_HINT,
        )
    if raw["model_type"] != config_class.model_type:
        raise ConfigError(
            f"config.json describes a {raw['model_type']!r} model, not {config_class.model_type!r}",
            path=json_path,
            hint=_CONFIG_HINT,
        )
    folder = json_path.parent
    config_obj = config_class.from_pretrained(folder)
    has_weights = (
        any(folder.glob("model*.safetensors")) or (folder / "model.safetensors.index.json").is_file()
    )
    return config_obj, folder if has_weights else None


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read config.json: {exc}", path=path) from exc
