"""The aligner over tiny random transformers CTC models saved to disk and loaded back by path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
from transformers import (
    Wav2Vec2CTCTokenizer,
    Wav2Vec2PhonemeCTCTokenizer,
)

from support.tiny_ctc import save_tiny_ctc_model
from voxtune.align.aligner import CtcAligner
from voxtune.align.durations import count_frames, frame_durations
from voxtune.align.errors import AlignmentError
from voxtune.align.results import WordAlignment
from voxtune.errors import InputError

IPA = ["h", "ə", "l", "oʊ", "w", "ɜː", "d", "θ", "ɹ", "iː", "w", "ʌ", "n", "f", "ɔː", "tʃ"]


@pytest.fixture(scope="module")
def char_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tokens = ["|", *"abcdefghijklmnopqrstuvwxyz'"]
    return save_tiny_ctc_model(tmp_path_factory.mktemp("m") / "chars", tokens, Wav2Vec2CTCTokenizer, layers=1)


@pytest.fixture(scope="module")
def char_aligner(char_model: Path) -> CtcAligner:
    return CtcAligner.from_pretrained(char_model)


@pytest.fixture(scope="module")
def digits(fsdd_dir: Path) -> tuple[np.ndarray, int]:
    """About 1.5 s of real speech at 8 kHz: "three one four"."""
    parts = [sf.read(fsdd_dir / f"{digit}_jackson_0.wav", dtype="float32") for digit in (3, 1, 4)]
    return np.concatenate([audio for audio, _ in parts]), parts[0][1]


def assert_well_formed(result: WordAlignment) -> None:
    """Every time inside the audio, units in order, words spanning exactly their aligned units."""
    previous_end = 0.0
    for word in result.words:
        assert 0.0 <= word.start <= word.end <= result.duration
        aligned = [u for u in word.units if u.end > u.start]
        if aligned:
            assert (word.start, word.end) == (aligned[0].start, aligned[-1].end)
        for unit in word.units:
            assert 0.0 <= unit.start <= unit.end <= result.duration
            assert 0.0 <= unit.score <= 1.0
        for unit in aligned:
            assert unit.start >= previous_end - 1e-9
            previous_end = unit.end
    for start, end in result.unaligned:
        assert 0.0 <= start < end <= result.duration


def timings(result: WordAlignment) -> list[tuple[str, float, float]]:
    """Every word and unit with its times: alignments compared where scores differ by rounding."""
    rows = []
    for word in result.words:
        rows.append((word.text, word.start, word.end))
        rows += [(unit.label, unit.start, unit.end) for unit in word.units]
    return rows


def test_loaded_by_path_with_vocabulary_blank_and_delimiter(char_aligner: CtcAligner):
    assert char_aligner.blank_id == 0
    assert char_aligner.word_delimiter_id == 4
    assert set(char_aligner.vocab) == set("abcdefghijklmnopqrstuvwxyz'")
    assert char_aligner.sample_rate == 16000
    assert char_aligner.frame_seconds == pytest.approx(0.02)


def test_word_timings_are_ordered_and_inside_the_audio(char_aligner: CtcAligner, digits):
    audio, rate = digits
    result = char_aligner.align_words(audio, rate, "Three, one four!")
    assert result.duration == pytest.approx(len(audio) / rate)
    assert [w.text for w in result.words] == ["Three,", "one", "four!"]
    assert ["".join(u.label for u in w.units) for w in result.words] == ["Three,", "one", "four!"]
    assert_well_formed(result)
    comma = result.words[0].units[-1]
    assert comma.start == comma.end == result.words[0].units[-2].end  # punctuation: zero length, in place
    assert all(w.end > w.start for w in result.words)
    assert result.words[-1].end <= result.duration
    assert np.isfinite(result.log_prob) and result.log_prob < 0


def test_stars_report_unaligned_stretches_and_keep_every_word(char_aligner: CtcAligner, digits):
    audio, rate = digits
    result = char_aligner.align_words(audio, rate, ["three", "four"], star="words")
    assert [w.text for w in result.words] == ["three", "four"]
    assert_well_formed(result)


def test_integer_pcm_aligns_like_float(char_aligner: CtcAligner, fsdd_dir: Path):
    path = fsdd_dir / "7_lucas_3.wav"
    as_int, rate = sf.read(path, dtype="int16")
    as_float, _ = sf.read(path, dtype="float32")
    from_int = char_aligner.align_words(as_int, rate, "seven")
    from_float = char_aligner.align_words(as_float, rate, "seven")
    assert timings(from_int) == timings(from_float)
    assert from_int.log_prob == pytest.approx(from_float.log_prob, rel=1e-4)


def test_long_audio_is_chunked_and_still_well_formed(char_model: Path, digits):
    aligner = CtcAligner.from_pretrained(char_model, chunk_seconds=3.0, context_seconds=1.0, batch_size=4)
    audio, rate = digits
    long_audio = np.tile(audio, 8)  # about 12 s, four windows
    result = aligner.align_words(long_audio, rate, " ".join(["three one four"] * 8))
    assert len(result.words) == 24
    assert_well_formed(result)
    samples_16k = round(len(long_audio) * 16000 / rate)
    frames = aligner.model._get_feat_extract_output_lengths(torch.tensor(samples_16k))
    assert aligner.emissions(long_audio, rate).shape == (int(frames), 32)


def test_chunked_alignment_equals_one_pass_for_a_model_of_limited_reach(tmp_path: Path, digits):
    """A wav2vec2 model without attention layers sees 8 frames either side, so windows with 10
    frames of context give the emissions, hence the alignment, of one pass.
    """
    tokens = ["|", *"abcdefghijklmnopqrstuvwxyz'"]
    folder = save_tiny_ctc_model(tmp_path / "local", tokens, Wav2Vec2CTCTokenizer, layers=0)
    whole = CtcAligner.from_pretrained(folder, chunk_seconds=600.0)
    chunked = CtcAligner.from_pretrained(folder, chunk_seconds=0.3, context_seconds=0.2)
    audio, rate = digits
    torch.testing.assert_close(
        chunked.emissions(audio, rate), whole.emissions(audio, rate), rtol=0, atol=1e-5
    )
    text = "three one four"
    assert timings(chunked.align_words(audio, rate, text)) == timings(whole.align_words(audio, rate, text))


def test_unknown_characters_are_an_item_error_naming_them(char_aligner: CtcAligner, digits):
    audio, rate = digits
    with pytest.raises(AlignmentError) as caught:
        char_aligner.align_words(audio, rate, "three 1 4ever")
    assert caught.value.code == "unknown_tokens"
    assert caught.value.details["tokens"] == ["1", "4"]


def test_transcript_longer_than_the_audio_allows_is_an_item_error(char_aligner: CtcAligner, fsdd_dir: Path):
    audio, rate = sf.read(fsdd_dir / "0_george_0.wav", dtype="float32")
    with pytest.raises(AlignmentError) as caught:
        char_aligner.align_words(audio[: rate // 5], rate, "zero " * 10)
    assert caught.value.code == "target_too_long"
    assert " s of audio" in caught.value.reason
    assert caught.value.details["frames"] < caught.value.details["frames_needed"]


def test_audio_shorter_than_a_frame_is_an_item_error(char_aligner: CtcAligner):
    with pytest.raises(AlignmentError) as caught:
        char_aligner.align_words(np.zeros(100, dtype=np.float32), 16000, "a")
    assert caught.value.code == "audio_too_short"


def test_stereo_audio_is_refused(char_aligner: CtcAligner):
    with pytest.raises(ValueError, match="mono"):
        char_aligner.emissions(np.zeros((2, 16000), dtype=np.float32), 16000)


def test_a_folder_without_a_model_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="cannot load"):
        CtcAligner.from_pretrained(tmp_path / "nothing-here")


def test_phoneme_alignment_gives_units_that_become_exact_durations(tmp_path: Path, digits):
    folder = save_tiny_ctc_model(tmp_path / "ipa", IPA, Wav2Vec2PhonemeCTCTokenizer, layers=1)
    aligner = CtcAligner.from_pretrained(folder)
    assert aligner.word_delimiter_id is None  # espeak phoneme models have no word delimiter
    audio, rate = digits
    phonemes = [["θ", "ɹ", "ˈ", "iː"], ["w", "ʌ", "n"], ["f", "ɔː", "ɹ"]]
    result = aligner.align_phonemes(audio, rate, phonemes, words=["three", "one", "four"], skip={"ˈ"})
    assert [w.text for w in result.words] == ["three", "one", "four"]
    assert [[u.label for u in w.units] for w in result.words] == phonemes
    assert_well_formed(result)
    stress = result.words[0].units[2]
    assert stress.start == stress.end == result.words[0].units[1].end

    samples_24k = round(len(audio) * 24000 / rate)
    total = count_frames(samples_24k, 300)
    spans = [(u.start, u.end) for u in result.units]
    durations = frame_durations(spans, total_frames=total, hop_length=300, sample_rate=24000, pad_edges=True)
    assert len(durations) == len(spans) + 2
    assert sum(durations) == total

    with pytest.raises(AlignmentError) as caught:
        aligner.align_phonemes(audio, rate, [["θ", "r", "iː"]])
    assert caught.value.details["tokens"] == ["r"]
