"""Transcription throughput: clips per second and real-time factor of the Whisper backend by batch size.

Runs FSDD digits (or any folder of audio) through :class:`voxtune.asr.whisper.WhisperTranscriber`
with each batch size, with and without scoring a forced language (the extra language-ID pass), next
to the baseline: transformers' ASR pipeline with word timestamps on the same model, clips and batch
size (greedy decoding, same token limit). Without ``--model`` a tiny random Whisper is built, which
measures the plumbing (features, batching, alignment, word grouping), not a real model's decoding.

    python benchmarks/transcribe.py [--model openai/whisper-large-v3-turbo --device cuda]
        [--audio DIR] [--clips 32] [--batch-sizes 1 8 32] [--max-new-tokens 32]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
from rich.console import Console
from rich.table import Table

from voxtune.asr.tiny import build_tiny_whisper
from voxtune.asr.whisper import WhisperTranscriber

FSDD = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "fsdd" / "recordings"


def load_clips(folder: Path, count: int) -> tuple[list[np.ndarray], int]:
    paths = sorted(folder.glob("*.wav"))[:count]
    if not paths:
        raise SystemExit(f"no .wav files in {folder}")
    clips, rates = zip(*(sf.read(path, dtype="float32") for path in paths), strict=True)
    if len(set(rates)) != 1:
        raise SystemExit("the clips must share one sample rate")
    return [clip if clip.ndim == 1 else clip.mean(axis=1) for clip in clips], rates[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="hub id or folder (default: a tiny random Whisper)")
    parser.add_argument("--audio", type=Path, default=FSDD, help="folder of .wav clips (default: FSDD)")
    parser.add_argument("--clips", type=int, default=32)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--language", default="en")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads on CPU")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    clips, rate = load_clips(args.audio, args.clips)
    seconds = sum(clip.size for clip in clips) / rate
    with tempfile.TemporaryDirectory() as scratch:
        model = args.model or str(build_tiny_whisper(Path(scratch) / "tiny-whisper"))
        dtype = torch.float16 if args.device.startswith("cuda") else torch.float32
        table = Table(
            title=f"{len(clips)} clips, {seconds:.1f} s of audio, model {args.model or 'tiny random'}"
        )
        for column in ("batch", "run", "clips/s", "real-time factor"):
            table.add_column(column, justify="right")
        for batch_size in args.batch_sizes:
            for measure in (False, True):
                transcriber = WhisperTranscriber.from_pretrained(
                    model,
                    device=args.device,
                    dtype=dtype,
                    batch_size=batch_size,
                    max_new_tokens=args.max_new_tokens,
                    measure_language_probability=measure,
                )
                transcriber.transcribe_batch(
                    clips[:batch_size], rate, [args.language] * batch_size
                )  # warm-up
                started = time.perf_counter()
                transcriber.transcribe_batch(clips, rate, [args.language] * len(clips))
                elapsed = time.perf_counter() - started
                table.add_row(
                    str(batch_size),
                    "voxtune, forced + scored" if measure else "voxtune, forced",
                    f"{len(clips) / elapsed:.1f}",
                    f"{elapsed / seconds:.3f}",
                )
            elapsed = time_pipeline(transcriber, clips, rate, batch_size, args)
            table.add_row(
                str(batch_size), "pipeline, forced", f"{len(clips) / elapsed:.1f}", f"{elapsed / seconds:.3f}"
            )
    Console().print(table)


def time_pipeline(
    transcriber: WhisperTranscriber,
    clips: list[np.ndarray],
    rate: int,
    batch_size: int,
    args: argparse.Namespace,
) -> float:
    """Seconds transformers' ASR pipeline takes for the clips (already at 16 kHz: it cannot resample
    without torchaudio)."""
    import soxr
    from transformers import pipeline

    asr = pipeline(
        "automatic-speech-recognition",
        model=transcriber.model,
        tokenizer=transcriber.tokenizer,
        feature_extractor=transcriber.feature_extractor,
        device=transcriber.device,
    )
    samples = [soxr.resample(clip, rate, 16000) for clip in clips]
    options = {
        "return_timestamps": "word",
        "batch_size": batch_size,
        "generate_kwargs": {"language": args.language, "num_beams": 1, "max_new_tokens": args.max_new_tokens},
    }

    def inputs(count: int) -> list[dict]:  # the pipeline empties the dicts it is given
        return [{"raw": clip, "sampling_rate": 16000} for clip in samples[:count]]

    asr(inputs(batch_size), **options)  # warm-up
    started = time.perf_counter()
    asr(inputs(len(samples)), **options)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
