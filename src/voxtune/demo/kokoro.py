"""The demo's Kokoro step: a tiny random Kokoro trained with LoRA on the Luxembourgish items, merged into
a folder in Kokoro's own layout, and spoken from by the ``kokoro`` package's KModel.

Even a tiny Kokoro keeps its full-size decoder, so the step takes ~30 s; the merged export and the
sample are redone only after new training.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import numpy as np

from voxtune.corpus.manifest import read_json, write_json
from voxtune.train.run import TrainResult

SAMPLE_TEXT = "Moien, wéi geet et dir?"
VOICE = "lb_max"


def train_export_speak(out: Path, seed: int) -> tuple[TrainResult, Path, Path, float]:
    """Build (once per seed) and train the tiny Kokoro under ``out``, export the adapter merged, and write
    a sample spoken by KModel; returns the training result, the export folder, the sample and its length."""
    import soundfile as sf

    from voxtune.models.kokoro.export import export_adapter
    from voxtune.models.kokoro.tiny import build_tiny_kokoro
    from voxtune.train import load_train_config, run_training
    from voxtune.ui.training import TrainProgressBars

    model_dir = out / "tiny-kokoro"
    marker = model_dir / "voxtune_demo.json"
    built = not (marker.is_file() and read_json(marker) == {"seed": seed})
    if built:
        build_tiny_kokoro(model_dir, seed=seed)
        write_json({"seed": seed}, marker)
    config_path = out / "kokoro.yaml"
    if not config_path.is_file():
        template = resources.files("voxtune.demo").joinpath("kokoro.yaml").read_text(encoding="utf-8")
        config_path.write_text(template, encoding="utf-8")
    config = load_train_config(config_path)
    if built:  # a run on an earlier tiny model cannot be resumed on this one
        shutil.rmtree(Path(config.output) / config.name, ignore_errors=True)
    with TrainProgressBars() as bars:
        result = run_training(config, resume=True, progress=bars)
    adapter = Path(result.stages[-1].adapter_dir or "")
    exported, sample = out / "kokoro-lb", out / "kokoro-lb-sample.wav"
    weights = adapter / "adapter_model.safetensors"
    if not (sample.is_file() and weights.is_file() and sample.stat().st_mtime > weights.stat().st_mtime):
        export_adapter(adapter, exported)
        sf.write(str(sample), kmodel_speaks(exported, SAMPLE_TEXT, VOICE), 24_000)
    return result, exported, sample, float(sf.info(str(sample)).duration)


def kmodel_speaks(folder: Path, text: str, voice: str) -> np.ndarray:
    """Audio of ``text`` from the exported folder through the kokoro package itself (KModel + voice file)."""
    from kokoro import KModel, KPipeline

    from voxtune.models.kokoro.checkpoint import WEIGHTS_FILE, quiet_kokoro
    from voxtune.models.kokoro.timing import text_phonemes

    with quiet_kokoro():
        model = KModel(
            repo_id="hexgrad/Kokoro-82M", config=str(folder / "config.json"), model=str(folder / WEIGHTS_FILE)
        )
    pipeline = KPipeline(lang_code="e", repo_id="hexgrad/Kokoro-82M", model=model)  # "e": offline espeak G2P
    phonemes = text_phonemes(text, "lb")
    results = pipeline.generate_from_tokens(phonemes, voice=str(folder / "voices" / f"{voice}.pt"))
    return next(iter(results)).audio.numpy()
