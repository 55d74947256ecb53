"""Audio-side throughput: seconds of audio per wall second for standardise, segment and quality.

Input: real speech, FSDD digit strings joined into takes of about a minute (written at 8 kHz, the way
phone-ish data arrives). The voxtune chain (standardise to 24 kHz at -23 LUFS, VAD segmentation,
quality without DNSMOS) runs through the prepare runner with 1 and 2 workers. The baseline, in the
same run and on the same files, is the seed plan's own script: librosa.load at its default rate,
"SNR" from the first 0.5 s, trim, RMS normalisation, librosa resampling to 24 kHz, pydub fixed 15 s
windows. Targets: the chain at >= 300x real time per core, and >= 5x the baseline.
"Per CPU core" divides audio seconds by the CPU seconds spent (worker processes included, their
start-up too), so it does not depend on what else the machine is doing; the baseline column
compares CPU time. The baseline does much less (no VAD, no BS.1770 loudness, no quality measures).

    python benchmarks/prepare_audio.py [--takes 16] [--fsdd ../shared/corpora/fsdd/recordings]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from rich.console import Console
from rich.table import Table

from voxtune.prepare import load_recipe, run_recipe

DEFAULT_FSDD = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "fsdd" / "recordings"
SPEAKERS = ("george", "jackson", "lucas", "nicolas")


def make_takes(fsdd: Path, folder: Path, takes: int, seconds: float = 60.0) -> float:
    """Write ``takes`` files of about ``seconds`` each; returns the total audio duration."""
    rng = np.random.default_rng(0)
    total = 0.0
    for take in range(takes):
        speaker = SPEAKERS[take % len(SPEAKERS)]
        pieces, length = [], 0
        while length < seconds * 8000:
            clip, _ = sf.read(fsdd / f"{rng.integers(10)}_{speaker}_{rng.integers(50)}.wav", dtype="float32")
            pause = np.zeros(int(rng.uniform(0.2, 1.5) * 8000), np.float32)
            pieces += [clip, pause]
            length += clip.size + pause.size
        audio = np.concatenate(pieces) + rng.normal(0, 1e-3, length).astype(np.float32)
        sf.write(str(folder / f"take{take:03d}.wav"), audio, 8000)
        total += length / 8000
    return total


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (pool workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def naive_baseline(files: list[Path]) -> tuple[float, float]:
    """The seed plan's pipeline over the same files: (wall seconds, CPU seconds)."""
    import librosa
    from pydub import AudioSegment

    started, cpu = time.perf_counter(), cpu_seconds()
    for path in files:
        audio, rate = librosa.load(str(path))  # resampled to 22.05 kHz on load
        noise = audio[: int(0.5 * rate)]
        snr = 10 * np.log10(np.mean(audio**2) / (np.mean(noise**2) + 1e-12))
        if snr < 15:  # the seed plan dropped such files; keep going to time the rest of the work
            pass
        audio, _ = librosa.effects.trim(audio, top_db=30)
        audio = audio / (np.sqrt(np.mean(audio**2)) + 1e-9) * 0.1
        audio = librosa.resample(audio, orig_sr=rate, target_sr=24000)
        pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16)
        segment = AudioSegment(pcm.tobytes(), frame_rate=24000, sample_width=2, channels=1)
        windows = [segment[start : start + 15000] for start in range(0, len(segment), 15000)]
        for window in windows:
            window.raw_data  # noqa: B018 - materialise each window as the plan's export would
    return time.perf_counter() - started, cpu_seconds() - cpu


def run_chain(source: Path, folder: Path, workers: int) -> tuple[dict[str, float], float]:
    """Wall seconds per stage of standardise + segment + quality through the runner, and the CPU
    seconds the whole run took (workers included)."""
    folder.mkdir(exist_ok=True)
    recipe = folder / f"recipe{workers}.yaml"
    recipe.write_text(
        f"report: false\nchunk_size: 2\nstages:\n  - stage: ingest\n    path: {source}\n"
        "  - stage: standardise\n  - stage: segment\n    min_seconds: 2\n    max_seconds: 10\n"
        "  - stage: quality\n    min_snr_db: null\n    min_bandwidth_hz: null\n",
        encoding="utf-8",
    )
    cpu = cpu_seconds()
    result = run_recipe(load_recipe(recipe), folder / f"corpus{workers}", workers=workers)
    return {stage.name: stage.elapsed for stage in result.stages[1:]}, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--takes", type=int, default=30)
    parser.add_argument("--fsdd", type=Path, default=DEFAULT_FSDD)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "takes"
        source.mkdir()
        audio_seconds = make_takes(args.fsdd, source, args.takes)
        warm = folder / "warm"
        warm.mkdir()
        make_takes(args.fsdd, warm, 1, seconds=10)
        run_chain(warm, folder / "warmup", 1)  # load libraries and models once, as a long run would
        naive_baseline(sorted(warm.glob("*.wav")))
        baseline = naive_baseline(sorted(source.glob("*.wav")))
        chains = {workers: run_chain(source, folder, workers) for workers in (1, 2)}
    table = Table(title=f"prepare audio chain on {audio_seconds / 60:.1f} min of speech (x real time)")
    columns = (
        "run",
        "standardise",
        "segment",
        "quality",
        "chain (wall)",
        "chain per CPU core",
        "vs baseline",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "run" else "right")
    base_wall, base_cpu = baseline
    table.add_row("seed-plan baseline", "", "", "", f"{audio_seconds / base_wall:,.0f}x",
                  f"{audio_seconds / base_cpu:,.0f}x", "1.0x")  # fmt: skip
    for workers, (stages, cpu) in chains.items():
        table.add_row(
            f"voxtune, {workers} worker{'s' if workers > 1 else ''}",
            *(f"{audio_seconds / stages[name]:,.0f}x" for name in ("standardise", "segment", "quality")),
            f"{audio_seconds / sum(stages.values()):,.0f}x",
            f"{audio_seconds / cpu:,.0f}x",
            f"{base_cpu / cpu:.2f}x",
        )
    Console().print(table)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    Console().print(
        f"Load average {load} on {os.cpu_count()} cores. Worker processes start inside each stage's time; "
        "on a shared machine the 2-worker row understates what two idle cores give."
    )


if __name__ == "__main__":
    main()
