"""Speed of the audio signal functions on one core, as x real time (seconds of audio per second).

Builds a 5-minute 8 kHz speech recording from FSDD digit clips (four speakers, 0.1-0.8 s pauses),
then times each function (best of three) and the standardise + quality + segment chain a prepare
run applies to every file, plus silero-vad's own runners for comparison. Prints one table.

    PYTHONPATH=src python benchmarks/audio_functions.py [--seconds 300]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from voxtune.audio.bandwidth import effective_bandwidth
from voxtune.audio.convert import apply_channel_policy, resample
from voxtune.audio.denoise import denoise
from voxtune.audio.io import read_audio, write_audio
from voxtune.audio.levels import clipping_ratio, dc_offset, peak_dbfs, rms_dbfs, silence_ratio
from voxtune.audio.loudness import integrated_loudness, normalize_loudness, true_peak
from voxtune.audio.segment import plan_segments
from voxtune.audio.snr import vad_snr, wada_snr
from voxtune.audio.trim import trim_silence
from voxtune.audio.vad import (
    SileroVad,
    silero_model_path,
    speech_probabilities,
    speech_regions,
)

# The shared corpora live beside the checkout (as tests/conftest.py expects); --fsdd overrides.
FSDD = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "fsdd" / "recordings"
TARGET_RATE = 24_000


def build_recording(fsdd: Path, seconds: float, seed: int = 0) -> np.ndarray:
    """FSDD clips in random order with random pauses, 8 kHz mono float32."""
    rng = np.random.default_rng(seed)
    files = sorted(fsdd.glob("*.wav"))
    if not files:
        raise SystemExit(f"no FSDD recordings in {fsdd}: pass --fsdd DIR")
    pieces, total = [], 0
    while total < seconds * 8000:
        clip, _ = sf.read(files[int(rng.integers(len(files)))], dtype="float32")
        pause = np.zeros(int(rng.uniform(0.1, 0.8) * 8000), np.float32)
        pieces += [clip, pause]
        total += clip.size + pause.size
    return np.concatenate(pieces)[: int(seconds * 8000)]


def best_of(function: Callable[[], object], repeats: int = 3) -> float:
    """Least CPU time of ``repeats`` runs after a warm-up: CPU rather than wall time, because these
    machines are shared and a busy neighbour stretches wall time but not our own CPU seconds.
    Threads (a BLAS pool, say) add their CPU time too, so this stays a per-core figure."""
    function()
    times = []
    for _ in range(repeats):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--fsdd", type=Path, default=FSDD, help="folder of FSDD recordings")
    args = parser.parse_args()
    torch.set_num_threads(1)
    seconds = args.seconds
    audio8k = build_recording(args.fsdd, seconds)
    workdir = Path(tempfile.mkdtemp(prefix="voxtune-bench-"))
    source = write_audio(workdir / "source.wav", audio8k, 8000)
    audio24k = resample(audio8k, 8000, TARGET_RATE)
    audio16k = resample(audio8k, 8000, 16000)
    vad = SileroVad()
    probabilities = speech_probabilities([audio16k], vad)[0]
    regions = speech_regions(probabilities, duration=seconds)

    rows: list[tuple[str, float]] = []

    def timed(name: str, function: Callable[[], object], audio_seconds: float = seconds) -> None:
        rows.append((name, audio_seconds / best_of(function)))

    timed("read_audio (wav, 8 kHz)", lambda: read_audio(source))
    timed("resample 8k -> 24k (soxr HQ)", lambda: resample(audio8k, 8000, TARGET_RATE))
    timed("apply_channel_policy mix (stereo 24k)", lambda: apply_channel_policy(
        np.stack([audio24k, audio24k]), "mix"))  # fmt: skip
    timed("integrated_loudness (24k)", lambda: integrated_loudness(audio24k, TARGET_RATE))
    timed("true_peak 4x (24k)", lambda: true_peak(audio24k))
    timed("normalize_loudness (24k)", lambda: normalize_loudness(audio24k, TARGET_RATE))
    timed("write_audio wav PCM_16 (24k)", lambda: write_audio(
        workdir / "out.wav", audio24k, TARGET_RATE))  # fmt: skip
    timed("clipping_ratio (24k)", lambda: clipping_ratio(audio24k))
    timed("dc_offset + rms + peak (24k)", lambda: (
        dc_offset(audio24k), rms_dbfs(audio24k), peak_dbfs(audio24k)))  # fmt: skip
    timed("silence_ratio (24k)", lambda: silence_ratio(audio24k, TARGET_RATE))
    timed("wada_snr (24k)", lambda: wada_snr(audio24k))
    timed("vad_snr given regions (24k)", lambda: vad_snr(audio24k, TARGET_RATE, regions))
    timed("effective_bandwidth (24k)", lambda: effective_bandwidth(audio24k, TARGET_RATE))
    timed("trim_silence by energy (24k)", lambda: trim_silence(audio24k, TARGET_RATE))
    short = min(seconds, 30.0)
    timed("denoise stationary (24k, 30 s)", lambda: denoise(
        audio24k[: int(short * TARGET_RATE)], TARGET_RATE), short)  # fmt: skip
    timed("VAD probabilities, 1 stream (16k)", lambda: speech_probabilities([audio16k], vad))
    streams = np.array_split(audio16k, 16)
    timed("VAD probabilities, 16 streams (16k)", lambda: speech_probabilities(streams, vad))
    clips = np.array_split(audio16k, round(seconds / 3))  # 3 s files, as a corpus of short clips
    timed("VAD, 3 s clips one call each", lambda: [speech_probabilities([c], vad) for c in clips])
    timed("VAD, 3 s clips batched (64 per call)", lambda: speech_probabilities(clips, vad))
    timed("speech_regions from probabilities", lambda: speech_regions(probabilities))
    timed("plan_segments 2-10 s", lambda: plan_segments(regions, min_seconds=2, max_seconds=10))

    def chain() -> None:
        audio, rate = read_audio(source)
        mono = apply_channel_policy(audio, "mix")
        standard = resample(mono, rate, TARGET_RATE)
        standard = normalize_loudness(standard, TARGET_RATE).audio
        write_audio(workdir / "standard.wav", standard, TARGET_RATE)
        clipping_ratio(standard), dc_offset(standard), rms_dbfs(standard), peak_dbfs(standard)
        silence_ratio(standard, TARGET_RATE), wada_snr(standard)
        effective_bandwidth(standard, TARGET_RATE)
        probs = speech_probabilities([resample(standard[0], TARGET_RATE, 16000)], vad)[0]
        speech = speech_regions(probs, duration=standard.shape[1] / TARGET_RATE)
        vad_snr(standard, TARGET_RATE, speech)
        plan_segments(speech, min_seconds=2, max_seconds=10)

    timed("CHAIN standardise+quality+segment", chain)
    rows += silero_reference_rows(audio16k, min(seconds, 60.0))

    width = max(len(name) for name, _ in rows)
    print(f"\n{seconds:.0f} s of 8 kHz FSDD speech, one core (CPU time, 1 thread), best of 3\n")
    print(f"{'function':<{width}}  x real time")
    print(f"{'-' * width}  -----------")
    for name, speed in rows:
        print(f"{name:<{width}}  {speed:>11,.0f}")


def silero_reference_rows(audio16k: np.ndarray, seconds: float) -> list[tuple[str, float]]:
    """silero-vad's own ways of running the same model, on ``seconds`` of the audio."""
    import onnxruntime

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        threads = torch.get_num_threads()
        from silero_vad import get_speech_timestamps, load_silero_vad

        torch.set_num_threads(threads)
        jit = torch.jit.load(str(silero_model_path()))
    clip = audio16k[: int(seconds * 16000)]
    rows = []
    start = time.perf_counter()
    get_speech_timestamps(torch.from_numpy(clip), jit, sampling_rate=16000)
    rows.append(("silero get_speech_timestamps (JIT, 1 stream)", seconds / (time.perf_counter() - start)))

    for batch in (1, 16, 64):
        windows = clip[: clip.size // (512 * batch) * 512 * batch].reshape(batch, -1)
        steps = torch.from_numpy(windows.copy())

        def stock(steps: torch.Tensor = steps) -> None:
            jit.reset_states()
            with torch.no_grad():
                for i in range(0, steps.shape[1], 512):
                    jit(steps[:, i : i + 512], 16000)

        rows.append((f"silero JIT per-window loop, B={batch}", windows.size / 16000 / best_of(stock, 1)))

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    onnx_path = str(silero_model_path().with_name("silero_vad.onnx"))
    session = onnxruntime.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    for batch in (1, 64):
        windows = clip[: clip.size // (512 * batch) * 512 * batch].reshape(batch, -1)

        def onnx(windows: np.ndarray = windows, batch: int = batch) -> None:
            state = np.zeros((2, batch, 128), np.float32)
            context = np.zeros((batch, 64), np.float32)
            rate = np.array(16000, np.int64)
            for i in range(0, windows.shape[1], 512):
                x = np.concatenate([context, windows[:, i : i + 512]], axis=1)
                _, state = session.run(None, {"input": x, "state": state, "sr": rate})
                context = x[:, -64:]

        rows.append((f"silero ONNX per-window loop, B={batch}", windows.size / 16000 / best_of(onnx, 1)))
    sequence = load_silero_vad(sequence=True)
    rows.append(("silero ONNX sequence model, 1 stream", seconds / best_of(
        lambda: sequence.audio_forward(clip), 1)))  # fmt: skip
    torch.set_num_threads(threads)
    return rows


if __name__ == "__main__":
    main()
