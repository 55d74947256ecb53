"""Kokoro checkpoints in Kokoro's own layout: finding them (local folder or hub id, the same code),
loading them into the ``kokoro`` package's ``KModel``, and exporting fine-tuned weights and voices.

Layout (as ``hexgrad/Kokoro-82M``)::

    config.json          vocab, n_token, plbert, istftnet, ... (KModel reads it)
    kokoro-v1_0.pth      {"bert": ..., "bert_encoder": ..., "predictor": ..., "text_encoder": ...,
                          "decoder": ...}: one state dict per KModel component
    voices/<name>.pt     [510, 1, 256] voice packs

``KModel(repo_id=..., config="<folder>/config.json", model="<folder>/kokoro-v1_0.pth")`` loads an
exported folder without any download, and ``KPipeline(...).generate_from_tokens(phonemes,
voice="<folder>/voices/<name>.pt", model=kmodel)`` speaks with one of its voices.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from voxtune.errors import InputError
from voxtune.models.kokoro.voicepack import load_voice_pack, save_voice_pack

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "kokoro-v1_0.pth"
VOICES_FOLDER = "voices"
COMPONENTS = ("bert", "bert_encoder", "predictor", "text_encoder", "decoder")
"""KModel's sub-modules, the top-level keys of its checkpoint."""
HUB_WEIGHTS = {"hexgrad/Kokoro-82M": "kokoro-v1_0.pth", "hexgrad/Kokoro-82M-v1.1-zh": "kokoro-v1_1-zh.pth"}


@dataclass(frozen=True)
class KokoroFiles:
    """Where one Kokoro model's files are; ``revision`` is set for hub models (the snapshot commit)."""

    reference: str
    config_path: Path
    weights_path: Path
    revision: str | None = None

    @property
    def folder(self) -> Path:
        return self.config_path.parent

    def read_config(self) -> dict[str, Any]:
        try:
            data = json.loads(self.config_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{CONFIG_FILE} is not valid JSON ({exc})", path=self.config_path) from None
        missing = [key for key in ("vocab", "n_token", "plbert", "istftnet") if key not in data]
        if missing:
            raise InputError(
                f"{CONFIG_FILE} is not a Kokoro config (no {', '.join(missing)})",
                path=self.config_path,
                hint="Point at a Kokoro model folder (config.json + kokoro-*.pth) or hexgrad/Kokoro-82M",
            )
        return data

    def voice_path(self, name: str) -> Path:
        """The file of voice ``name`` (downloaded through the hub cache for hub models)."""
        local = self.folder / VOICES_FOLDER / f"{name}.pt"
        if local.is_file() or self.revision is None:
            if not local.is_file():
                known = ", ".join(self.voice_names()) or "none"
                raise InputError(f"no voice '{name}' in the model folder (voices: {known})", path=local)
            return local
        from huggingface_hub import hf_hub_download

        try:
            return Path(hf_hub_download(self.reference, f"{VOICES_FOLDER}/{name}.pt", revision=self.revision))
        except Exception as exc:  # hub errors come in many types; all mean "not available"
            raise InputError(
                f"voice '{name}' is not available for {self.reference} ({type(exc).__name__})",
                hint="Check the voice name (e.g. am_michael, af_heart) or pass a local .pt file",
            ) from None

    def voice_names(self) -> list[str]:
        """Voices present in the (local or cached) folder."""
        folder = self.folder / VOICES_FOLDER
        return sorted(p.stem for p in folder.glob("*.pt")) if folder.is_dir() else []

    def voice(self, name_or_path: str) -> torch.Tensor:
        """A voice pack by name (``am_michael``) or by ``.pt`` path."""
        if name_or_path.endswith(".pt"):
            return load_voice_pack(name_or_path)
        return load_voice_pack(self.voice_path(name_or_path))


def _looks_like_path(reference: str) -> bool:
    return reference.startswith(("/", ".", "~")) or reference.count("/") != 1 or "\\" in reference


def kokoro_files(reference: str | Path, revision: str | None = None) -> KokoroFiles:
    """The config and weights of a Kokoro model given as a local folder or a hub id.

    A folder must hold ``config.json`` and one ``*.pth``; a hub id is read through huggingface_hub's
    cache (so a model downloaded once loads offline).
    """
    text = str(reference)
    path = Path(text).expanduser()
    if path.is_dir():
        config = path / CONFIG_FILE
        weights = sorted(path.glob("*.pth"))
        if not config.is_file() or not weights:
            raise InputError(
                "not a Kokoro model folder: it needs config.json and a kokoro-*.pth checkpoint",
                path=path,
            )
        preferred = [w for w in weights if w.name == WEIGHTS_FILE]
        if len(weights) > 1 and not preferred:
            raise InputError(
                f"several checkpoints in the model folder ({', '.join(w.name for w in weights)})",
                path=path,
                hint=f"Keep one, or name the one to use {WEIGHTS_FILE}",
            )
        return KokoroFiles(text, config.absolute(), (preferred or weights)[0].absolute())
    if path.exists() or _looks_like_path(text):
        raise InputError("Kokoro model folder not found", path=path)
    from huggingface_hub import hf_hub_download

    try:
        config = Path(hf_hub_download(text, CONFIG_FILE, revision=revision))
        weights = Path(hf_hub_download(text, HUB_WEIGHTS.get(text, WEIGHTS_FILE), revision=revision))
    except Exception as exc:  # hub errors come in many types; all mean "not available"
        raise InputError(
            f"model '{text}' is neither a local folder nor available from the Hugging Face hub "
            f"({type(exc).__name__})",
            hint="Check the id (hexgrad/Kokoro-82M) or pass a local folder",
        ) from None
    commit = config.parent.name if config.parent.parent.name == "snapshots" else revision
    return KokoroFiles(text, config, weights, revision=commit or "main")


@contextmanager
def quiet_kokoro() -> Iterator[None]:
    """KModel's layers warn about deprecated weight_norm and one-layer LSTM dropout on every load."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module="torch.nn.utils.weight_norm")
        warnings.filterwarnings("ignore", message=".*dropout option adds dropout.*", category=UserWarning)
        yield


def load_kmodel(files: KokoroFiles, config: Mapping[str, Any] | None = None) -> nn.Module:
    """``kokoro.KModel`` with the weights of ``files`` (config from ``config`` when given), on CPU."""
    from kokoro import KModel

    with quiet_kokoro():
        try:
            return KModel(
                repo_id=files.reference,
                config=dict(config) if config is not None else str(files.config_path),
                model=str(files.weights_path),
            ).eval()
        except (RuntimeError, KeyError, AssertionError, OSError) as exc:
            raise InputError(
                f"cannot load the Kokoro checkpoint ({type(exc).__name__}: {exc})",
                path=files.weights_path,
                hint="The weights must match config.json (export them with voxtune, or use Kokoro's own)",
            ) from None


def random_kmodel(config: Mapping[str, Any]) -> nn.Module:
    """A ``KModel`` with freshly initialised weights (KModel always loads a checkpoint: an empty one)."""
    from kokoro import KModel

    with tempfile.TemporaryDirectory() as folder, quiet_kokoro():
        empty = Path(folder) / "empty.pth"
        torch.save({}, empty)
        return KModel(repo_id="voxtune/random-kokoro", config=dict(config), model=str(empty)).eval()


def kokoro_state(kmodel: nn.Module) -> dict[str, dict[str, torch.Tensor]]:
    """KModel's weights in its checkpoint layout: one CPU state dict per component."""
    return {
        name: {
            key: value.detach().cpu().contiguous().clone()
            for key, value in getattr(kmodel, name).state_dict().items()
        }
        for name in COMPONENTS
    }


def export_kokoro(
    kmodel: nn.Module,
    config: Mapping[str, Any],
    folder: str | Path,
    voices: Mapping[str, torch.Tensor] | None = None,
    *,
    vocab: Mapping[str, int] | None = None,
) -> Path:
    """Write ``kmodel`` in Kokoro's layout: ``config.json`` (with ``vocab`` and the embedding size),
    ``kokoro-v1_0.pth`` and ``voices/<name>.pt`` for each voice pack."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = dict(config)
    config["n_token"] = int(kmodel.text_encoder.embedding.num_embeddings)
    config["plbert"] = {**config["plbert"]}
    config["vocab"] = dict(vocab if vocab is not None else getattr(kmodel, "vocab", config["vocab"]))
    _atomic_write(
        folder / CONFIG_FILE,
        lambda p: p.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"),
    )
    _atomic_write(folder / WEIGHTS_FILE, lambda p: torch.save(kokoro_state(kmodel), p))
    for name, pack in (voices or {}).items():
        save_voice_pack(pack, folder / VOICES_FOLDER / f"{name}.pt")
    return folder


def _atomic_write(path: Path, write: Any) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
