from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
import torch

from voxtune.audio.convert import resample
from voxtune.audio.io import write_audio
from voxtune.audio.regions import Region
from voxtune.audio.vad import (
    VAD_SAMPLE_RATE,
    WINDOW_SAMPLES,
    detect_speech,
    detect_speech_file,
    file_speech_probabilities,
    silero_model_path,
    speech_probabilities,
    speech_regions,
    stream_speech_probabilities,
)

SPEAKERS = ["george", "jackson", "lucas", "nicolas"]


@pytest.fixture(scope="module")
def stock_model():
    """silero-vad's own TorchScript model, called the way its get_speech_timestamps calls it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.jit.load(str(silero_model_path()))


def _stock_probabilities(model, signal: np.ndarray) -> np.ndarray:
    model.reset_states()
    padded = np.pad(signal, (0, -signal.size % WINDOW_SAMPLES)).astype(np.float32)
    with torch.no_grad():
        return np.array(
            [
                model(torch.from_numpy(padded[i : i + WINDOW_SAMPLES]), VAD_SAMPLE_RATE).item()
                for i in range(0, padded.size, WINDOW_SAMPLES)
            ]
        )


@pytest.fixture(scope="module")
def signals(utterance):
    """Four 16 kHz utterances of different lengths (none a whole number of windows)."""
    rng = np.random.default_rng(7)
    made = []
    for count, speaker in zip([2, 6, 4, 1], SPEAKERS, strict=True):
        picks = [(int(rng.integers(10)), speaker, int(rng.integers(50))) for _ in range(count)]
        audio = utterance(picks, list(rng.uniform(0.3, 0.8, count - 1))).audio
        made.append(resample(audio, 8000, VAD_SAMPLE_RATE)[: -int(rng.integers(1, 500))])
    assert all(s.size % WINDOW_SAMPLES for s in made)
    return made


def test_batched_probabilities_equal_silero_one_window_at_a_time(vad, stock_model, signals):
    batched = speech_probabilities(signals, vad)
    for signal, probabilities in zip(signals, batched, strict=True):
        stock = _stock_probabilities(stock_model, signal)
        assert probabilities.shape == stock.shape == (-(-signal.size // WINDOW_SAMPLES),)
        np.testing.assert_allclose(probabilities, stock, atol=1e-4)
        assert probabilities.max() > 0.9 and probabilities.min() < 0.1


@pytest.mark.parametrize(("streams_per_call", "windows_per_call"), [(1, 512), (3, 7), (64, 1)])
def test_grouping_does_not_change_the_answer(vad, signals, streams_per_call, windows_per_call):
    reference = [speech_probabilities([signal], vad)[0] for signal in signals]
    grouped = speech_probabilities(
        [*signals, np.zeros(0, np.float32)],
        vad,
        streams_per_call=streams_per_call,
        windows_per_call=windows_per_call,
    )
    assert grouped[-1].size == 0
    for expected, got in zip(reference, grouped, strict=False):
        np.testing.assert_allclose(got, expected, atol=1e-5)


def test_regions_equal_silero_get_speech_timestamps(vad, stock_model, signals):
    from silero_vad import get_speech_timestamps

    threads = torch.get_num_threads()
    for signal in signals:
        stock = get_speech_timestamps(torch.from_numpy(signal), stock_model, sampling_rate=16000)
        ours = detect_speech(signal, VAD_SAMPLE_RATE, vad)
        expected = [Region(t["start"] / 16000, t["end"] / 16000) for t in stock]
        assert len(ours) == len(expected) > 0
        for mine, theirs in zip(ours, expected, strict=True):
            assert mine.start == pytest.approx(theirs.start, abs=1e-3)
            assert mine.end == pytest.approx(theirs.end, abs=1e-3)
    torch.set_num_threads(threads)  # importing silero_vad above reset it


@pytest.mark.parametrize(("rate", "channels", "block"), [(8000, 1, 999), (44100, 2, 4410)])
def test_streamed_blocks_equal_the_whole_recording(vad, utterance, rate, channels, block):
    made = utterance([(d, "lucas", d + 3) for d in range(5)], [0.5] * 4)
    mono = resample(made.audio, 8000, rate)
    audio = np.stack([mono, mono * 0.5])[:channels]
    blocks = [audio[:, start : start + block] for start in range(0, audio.shape[1], block)]
    streamed = np.concatenate(list(stream_speech_probabilities(blocks, rate, vad)))
    whole = speech_probabilities([resample(audio.mean(axis=0), rate, VAD_SAMPLE_RATE)], vad)[0]
    np.testing.assert_allclose(streamed, whole, atol=1e-5)


def test_file_is_streamed_in_blocks_not_loaded_whole(vad, utterance, tmp_path):
    rng = np.random.default_rng(3)
    picks = [(int(rng.integers(10)), SPEAKERS[i % 4], int(rng.integers(50))) for i in range(40)]
    made = utterance(picks, list(rng.uniform(0.3, 0.8, 39)))
    long_audio = np.tile(resample(made.audio, 8000, 16000), 5)  # ~2.5 minutes
    path = write_audio(tmp_path / "long.wav", long_audio, 16000, subtype="FLOAT")
    tracemalloc.start()
    streamed = file_speech_probabilities(path, vad, block_seconds=5.0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < long_audio.nbytes / 4  # a few blocks' worth, not the file
    whole = speech_probabilities([long_audio], vad)[0]
    np.testing.assert_allclose(streamed, whole, atol=1e-5)
    regions = detect_speech_file(path, vad)
    assert regions == speech_regions(whole, duration=long_audio.size / 16000)


def test_regions_recover_known_digit_positions(vad, utterance, capsys):
    """Digits of mixed speakers, 0.3-0.8 s apart, in silence or faint noise.

    The known spans come from trimming each clip by its own energy, which keeps some FSDD clips'
    breaths and room tails, and a few FSDD words are quiet enough for silero to doubt: so the
    check is on rates and percentiles, not on every single digit.
    """
    rng = np.random.default_rng(11)
    start_errors, end_errors = [], []
    digits = found = false_alarms = 0
    for trial in range(8):
        picks = [(int(rng.integers(10)), SPEAKERS[int(rng.integers(4))], int(rng.integers(50)))
                 for _ in range(6)]  # fmt: skip
        made = utterance(
            picks, list(rng.uniform(0.3, 0.8, 5)), noise_dbfs=-60 if trial % 2 else None, seed=trial
        )
        regions = detect_speech(made.audio, made.sample_rate, vad, min_speech_seconds=0.1)
        for start, end in made.spans:
            digits += 1
            hits = [r for r in regions if r.start < end and r.end > start]
            if len(hits) == 1 and sum(hits[0].start < e and hits[0].end > s for s, e in made.spans) == 1:
                found += 1
                start_errors.append(hits[0].start - start)
                end_errors.append(hits[0].end - end)
        false_alarms += sum(not any(r.start < e and r.end > s for s, e in made.spans) for r in regions)
    start_abs, end_abs = np.abs(start_errors), np.abs(end_errors)
    with capsys.disabled():
        print(
            f"\nVAD on {digits} FSDD digits: {found} found one-to-one, {false_alarms} false alarms;"
            f" |start error| median {np.median(start_abs):.3f} s, 90% {np.percentile(start_abs, 90):.3f} s;"
            f" |end error| median {np.median(end_abs):.3f} s, 90% {np.percentile(end_abs, 90):.3f} s"
        )
    assert found >= 0.9 * digits
    assert false_alarms == 0
    # Silero hears onsets within a window or two and holds on ~0.1 s after each word.
    assert np.median(start_abs) <= 0.05 and np.percentile(start_abs, 90) <= 0.15
    assert np.median(end_abs) <= 0.12 and np.percentile(end_abs, 90) <= 0.2


def test_hysteresis_and_durations_on_constructed_probabilities():
    window = WINDOW_SAMPLES / VAD_SAMPLE_RATE
    p = np.zeros(100)
    p[10:20] = 0.9  # 0.32 s of speech
    p[20:23] = 0.4  # dips under threshold but over neg_threshold (0.35): still speech
    p[23:30] = 0.9
    p[40:45] = 0.9  # 0.16 s: shorter than min_speech_seconds
    p[60:70] = 0.9
    p[70:72] = 0.1  # a 64 ms gap: shorter than min_silence_seconds
    p[72:80] = 0.9
    regions = speech_regions(p, pad_seconds=0.0, min_speech_seconds=0.25, min_silence_seconds=0.1)
    assert regions == [Region(10 * window, 30 * window), Region(60 * window, 80 * window)]
    padded = speech_regions(p, pad_seconds=0.05)
    assert padded[0].start == pytest.approx(10 * window - 0.05)
    assert speech_regions(np.zeros(50)) == []


def test_silence_gives_no_regions(vad):
    assert detect_speech(np.zeros(16000 * 3, np.float32), 16000, vad) == []
    assert speech_probabilities([np.zeros(100, np.float32)], vad)[0].shape == (1,)


def test_call_validates_its_inputs(vad):
    state = vad.initial_state(2)
    with pytest.raises(ValueError, match="state of 2"):
        vad([np.zeros((3, WINDOW_SAMPLES), np.float32)], state)
    with pytest.raises(ValueError, match="at least one window"):
        vad([np.zeros((3, WINDOW_SAMPLES), np.float32), np.zeros((0, WINDOW_SAMPLES))], state)
