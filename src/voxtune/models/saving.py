"""Writing a loaded (merged) model back as a transformers folder in a chosen dtype, with its front ends.

What every family's ``export(format="transformers")`` does: the weights cast to the dtype (the frozen
codec keeps its own, as transformers keeps Mimi in float32), the config saying that dtype, the tokenizer,
and the small files that came with the base model and that ``save_pretrained`` does not rewrite
(feature extractor and processor configs, a sentencepiece model, family extras such as pause heads).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

from voxtune.models.base import LoadedModel
from voxtune.models.source import CONFIG_FILE, WEIGHT_SUFFIXES

CARRIED_SUFFIXES = (".json", ".model", ".txt", ".jinja")
"""Files of the base model folder copied into an export unless the export wrote them itself."""
SKIPPED_FILES = (CONFIG_FILE, "generation_config.json", "model.safetensors.index.json")


def cast_state_dict(
    state: dict[str, torch.Tensor], dtype: torch.dtype, keep_prefixes: tuple[str, ...] = ()
) -> dict[str, torch.Tensor]:
    """Floating tensors cast to ``dtype`` (on the CPU), except those under ``keep_prefixes``."""
    out = {}
    for key, value in state.items():
        value = value.detach().to("cpu")
        if value.is_floating_point() and not key.startswith(keep_prefixes):
            value = value.to(dtype)
        out[key] = value.contiguous()
    return out


def save_transformers_folder(loaded: LoadedModel, folder: str | Path, dtype: torch.dtype) -> list[Path]:
    """Write ``loaded.model`` (adapters already merged) with ``save_pretrained`` in ``dtype``, its
    tokenizer, and the base folder's other small files; return the folder's files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model = loaded.model
    state = cast_state_dict(model.state_dict(), dtype, loaded.frozen_prefixes)
    model.save_pretrained(folder, state_dict=state)
    # save_pretrained records the in-memory dtype; the weights on disk are in ``dtype``
    config_path = folder / CONFIG_FILE
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["dtype"] = str(dtype).removeprefix("torch.")
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if loaded.tokenizer is not None and hasattr(loaded.tokenizer, "save_pretrained"):
        loaded.tokenizer.save_pretrained(folder)
    source = loaded.source.local_path
    if source is not None and source.is_dir() and source.resolve() != folder.resolve():
        for path in sorted(source.iterdir()):
            if (
                path.is_file()
                and path.suffix in CARRIED_SUFFIXES
                and not path.name.endswith(WEIGHT_SUFFIXES)
                and path.name not in SKIPPED_FILES
                and not (folder / path.name).exists()
            ):
                shutil.copy2(path, folder / path.name)
    return sorted(p for p in folder.iterdir() if p.is_file())
