"""Voice activity detection with silero-vad, run on many 32 ms windows per call.

silero-vad's own runners feed one 512-sample window per call (``get_speech_timestamps``: ~100x real
time on one core here; its JIT or ONNX model on (B, 512) windows of B streams: 150-1,100x) or one
stream per call (its ONNX sequence model: ~700x). The network is a per-window convolutional encoder
followed by one LSTM cell, so :class:`SileroVad` runs the shipped TorchScript model's own encoder on
every window of every stream in one batch and its LSTM weights as one ``torch.nn.LSTM`` over packed
(ragged) sequences: the same probabilities at ~1,400x, for one long stream or many short ones
(``benchmarks/audio_functions.py``).

Everything here works at 16 kHz mono; :func:`stream_speech_probabilities` resamples as it goes.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import soxr
import torch
from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence

from voxtune.audio.convert import apply_channel_policy, resample, to_float32
from voxtune.audio.io import audio_info, read_audio_blocks
from voxtune.audio.regions import Region

VAD_SAMPLE_RATE = 16_000
WINDOW_SAMPLES = 512
WINDOW_SECONDS = WINDOW_SAMPLES / VAD_SAMPLE_RATE
CONTEXT_SAMPLES = 64  # each window is seen with the last 64 samples of the one before
_HIDDEN = 128


def silero_model_path() -> Path:
    """The TorchScript model inside the installed ``silero-vad`` wheel (no download).

    Found without importing the package, whose ``__init__`` sets torch's global thread count to 1.
    """
    spec = importlib.util.find_spec("silero_vad")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("silero-vad is not installed: pip install silero-vad")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "silero_vad.jit"


@dataclass(frozen=True)
class VadState:
    """Recurrent state of a batch of streams, one row per stream.

    ``hidden`` and ``cell`` are the LSTM state (streams, 128); ``context`` holds the last 64
    samples of each stream's previous window (zeros before the first).
    """

    hidden: torch.Tensor
    cell: torch.Tensor
    context: torch.Tensor

    @property
    def streams(self) -> int:
        return self.hidden.shape[0]

    def rows(self, index: Sequence[int]) -> VadState:
        """The state of the streams at ``index``, in that order."""
        picked = torch.as_tensor(list(index), dtype=torch.long)
        return VadState(self.hidden[picked], self.cell[picked], self.context[picked])


class SileroVad:
    """The silero-vad network (16 kHz) evaluated on ragged batches of windows.

    Torch's thread count is left alone: set ``torch.set_num_threads(1)`` in each worker process of a
    parallel pipeline, as for any torch code.
    """

    def __init__(self, model_path: str | Path | None = None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit.load is deprecated
            scripted = torch.jit.load(str(model_path or silero_model_path()), map_location="cpu")
        network = scripted._model
        self._stft = network.stft
        self._encoder = network.encoder
        self._head = network.decoder.decoder  # ReLU -> 1x1 conv -> sigmoid
        cell = network.decoder.rnn
        self._lstm = torch.nn.LSTM(_HIDDEN, _HIDDEN)
        with torch.no_grad():
            self._lstm.weight_ih_l0.copy_(cell.weight_ih)
            self._lstm.weight_hh_l0.copy_(cell.weight_hh)
            self._lstm.bias_ih_l0.copy_(cell.bias_ih)
            self._lstm.bias_hh_l0.copy_(cell.bias_hh)
        self._lstm.eval()

    @staticmethod
    def initial_state(streams: int) -> VadState:
        """Fresh state for ``streams`` streams starting at their first window."""
        return VadState(
            hidden=torch.zeros(streams, _HIDDEN),
            cell=torch.zeros(streams, _HIDDEN),
            context=torch.zeros(streams, CONTEXT_SAMPLES),
        )

    @torch.inference_mode()
    def __call__(self, windows: Sequence[np.ndarray], state: VadState) -> tuple[list[np.ndarray], VadState]:
        """Speech probability of each 512-sample window of each stream, and the state after them.

        ``windows[i]`` is stream i's next windows, shape (count_i, 512), count_i >= 1; ``state``
        row i is its state before them. The returned state row i is stream i's state after its last
        window, ready for the stream's next call.
        """
        if len(windows) != state.streams:
            raise ValueError(f"{len(windows)} streams of windows for a state of {state.streams}")
        counts = [len(stream) for stream in windows]
        if min(counts, default=1) < 1:
            raise ValueError("every stream needs at least one window")
        frames = [torch.from_numpy(np.ascontiguousarray(stream, np.float32)) for stream in windows]
        inputs = torch.cat(
            [
                torch.cat([torch.cat([context[None], stream[:-1, -CONTEXT_SAMPLES:]]), stream], 1)
                for context, stream in zip(state.context, frames, strict=True)
            ]
        )  # (all windows, 64 + 512)
        features = self._encoder(self._stft(inputs))[..., 0]  # (all windows, 128)
        packed = pack_sequence(torch.split(features, counts), enforce_sorted=False)
        outputs, (hidden, cell) = self._lstm(packed, (state.hidden[None], state.cell[None]))
        padded, _ = pad_packed_sequence(outputs)  # (longest, streams, 128)
        valid = torch.cat([padded[:count, stream] for stream, count in enumerate(counts)])
        probabilities = self._head(valid[..., None]).reshape(-1).numpy()
        new_state = VadState(
            hidden=hidden[0],
            cell=cell[0],
            context=torch.stack([stream[-1, -CONTEXT_SAMPLES:] for stream in frames]),
        )
        return list(np.split(probabilities, np.cumsum(counts)[:-1])), new_state


@lru_cache(maxsize=1)
def default_vad() -> SileroVad:
    """A process-wide :class:`SileroVad` (loading the model takes ~0.1 s)."""
    return SileroVad()


def windows_of(signal: np.ndarray) -> np.ndarray:
    """A 16 kHz mono signal as (count, 512) windows, the last one zero-padded (as silero does)."""
    signal = np.asarray(signal, dtype=np.float32)
    count = -(-signal.size // WINDOW_SAMPLES)
    padded = np.zeros(count * WINDOW_SAMPLES, np.float32)
    padded[: signal.size] = signal
    return padded.reshape(count, WINDOW_SAMPLES)


def speech_probabilities(
    signals: Sequence[np.ndarray],
    vad: SileroVad | None = None,
    *,
    streams_per_call: int = 64,
    windows_per_call: int = 512,
) -> list[np.ndarray]:
    """Per-window (32 ms) speech probabilities of several 16 kHz mono signals, computed together.

    Signals of similar length are grouped; each call advances up to ``streams_per_call`` streams by
    up to ``windows_per_call`` windows each, carrying every stream's state across calls, so the
    result equals running each signal alone. An empty signal gives an empty array.
    """
    vad = vad or default_vad()
    windowed = [windows_of(signal) for signal in signals]
    results: list[list[np.ndarray]] = [[] for _ in signals]
    order = sorted((index for index, w in enumerate(windowed) if len(w)), key=lambda i: len(windowed[i]))
    for group_start in range(0, len(order), streams_per_call):
        group = order[group_start : group_start + streams_per_call]
        state = vad.initial_state(len(group))
        cursor = 0
        while group:
            chunks = [windowed[index][cursor : cursor + windows_per_call] for index in group]
            probabilities, state = vad(chunks, state)
            for index, part in zip(group, probabilities, strict=True):
                results[index].append(part)
            cursor += windows_per_call
            alive = [row for row, index in enumerate(group) if len(windowed[index]) > cursor]
            group = [group[row] for row in alive]
            if group:
                state = state.rows(alive)
    return [np.concatenate(parts) if parts else np.zeros(0, np.float32) for parts in results]


def stream_speech_probabilities(
    blocks: Iterable[np.ndarray],
    sample_rate: int,
    vad: SileroVad | None = None,
    *,
    windows_per_call: int = 1024,
) -> Iterator[np.ndarray]:
    """Speech probabilities of one long recording fed as consecutive blocks, yielded as they come.

    Blocks are (channels, samples) or (samples,) at ``sample_rate``; channels are mixed and the
    audio is resampled to 16 kHz on the fly, so memory stays at one block. The concatenated output
    equals :func:`speech_probabilities` on the whole recording resampled in one go.
    """
    vad = vad or default_vad()
    resampler = (
        soxr.ResampleStream(sample_rate, VAD_SAMPLE_RATE, 1, dtype="float32", quality="HQ")
        if sample_rate != VAD_SAMPLE_RATE
        else None
    )
    state = vad.initial_state(1)
    pending = np.zeros(0, np.float32)

    def run(samples: np.ndarray) -> Iterator[np.ndarray]:
        nonlocal state
        windows = samples.reshape(-1, WINDOW_SAMPLES)
        for start in range(0, len(windows), windows_per_call):
            (probabilities,), state = vad([windows[start : start + windows_per_call]], state)
            yield probabilities

    for block in blocks:
        mono = apply_channel_policy(to_float32(block), "mix")[0]
        if resampler is not None:
            mono = resampler.resample_chunk(mono)
        pending = np.concatenate([pending, mono])
        whole = pending.size - pending.size % WINDOW_SAMPLES
        if whole:
            yield from run(pending[:whole])
            pending = pending[whole:]
    if resampler is not None:
        pending = np.concatenate([pending, resampler.resample_chunk(np.zeros(0, np.float32), last=True)])
    if pending.size:
        yield from run(windows_of(pending).reshape(-1))


def file_speech_probabilities(
    path: str | Path, vad: SileroVad | None = None, *, block_seconds: float = 60.0
) -> np.ndarray:
    """Speech probabilities of an audio file of any length, decoded block by block (streaming)."""
    info = audio_info(path)
    blocks = read_audio_blocks(path, block_seconds=block_seconds, info=info)
    parts = list(stream_speech_probabilities(blocks, info.sample_rate, vad))
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def speech_regions(
    probabilities: np.ndarray,
    *,
    threshold: float = 0.5,
    neg_threshold: float | None = None,
    min_speech_seconds: float = 0.25,
    min_silence_seconds: float = 0.1,
    pad_seconds: float = 0.03,
    duration: float | None = None,
) -> list[Region]:
    """Speech regions (seconds) from per-window probabilities, by silero-vad's own state machine.

    Speech starts at a window >= ``threshold`` and ends once probabilities stay under
    ``neg_threshold`` (default ``threshold - 0.15``: hysteresis) for ``min_silence_seconds``;
    regions shorter than ``min_speech_seconds`` are dropped; each side is padded by
    ``pad_seconds`` (at most half the gap to a neighbour). ``duration`` (seconds, default the
    windows' span) caps the last region.
    """
    audio_samples = round(
        (duration if duration is not None else len(probabilities) * WINDOW_SECONDS) * VAD_SAMPLE_RATE
    )
    timestamps = _silero_timestamps_from_probs()(
        [float(p) for p in probabilities],
        sampling_rate=VAD_SAMPLE_RATE,
        threshold=threshold,
        neg_threshold=neg_threshold,
        min_speech_duration_ms=min_speech_seconds * 1000,
        min_silence_duration_ms=min_silence_seconds * 1000,
        speech_pad_ms=pad_seconds * 1000,
        audio_length_samples=audio_samples,
    )
    return [
        Region(item["start"] / VAD_SAMPLE_RATE, min(item["end"], audio_samples) / VAD_SAMPLE_RATE)
        for item in timestamps
    ]


def detect_speech(
    audio: np.ndarray, sample_rate: int, vad: SileroVad | None = None, **thresholds: float
) -> list[Region]:
    """Speech regions of one in-memory signal at any rate (resampled to 16 kHz for the VAD).

    ``thresholds`` go to :func:`speech_regions`.
    """
    mono = apply_channel_policy(to_float32(audio), "mix")[0]
    (probabilities,) = speech_probabilities([resample(mono, sample_rate, VAD_SAMPLE_RATE)], vad)
    return speech_regions(probabilities, duration=mono.size / sample_rate, **thresholds)


def detect_speech_file(path: str | Path, vad: SileroVad | None = None, **thresholds: float) -> list[Region]:
    """Speech regions of an audio file of any length, streamed block by block."""
    probabilities = file_speech_probabilities(path, vad)
    return speech_regions(probabilities, duration=audio_info(path).duration, **thresholds)


@lru_cache(maxsize=1)
def _silero_timestamps_from_probs():  # type: ignore[no-untyped-def]
    threads = torch.get_num_threads()
    try:
        from silero_vad.utils_vad import get_speech_timestamps_from_probs
    finally:
        torch.set_num_threads(threads)  # importing silero_vad sets torch's thread count to 1
    return get_speech_timestamps_from_probs
