"""Score one system output (generated audio, or a transcript) of one item with every active metric.

Each metric group runs on its own: one that cannot score this item (silent audio, no judge, no
reference, too short to embed) records an ``ItemFailure`` under its keys and the others go on. What
is measured about each reference (its WORLD analysis, speaker embedding, word timings) is computed
once and reused for every system.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from voxtune.errors import ItemError, VoxtuneError
from voxtune.evaluate.audio import prepare_audio
from voxtune.evaluate.errors import ItemFailure, UnscorableError
from voxtune.evaluate.metrics.duration import TimedToken, duration_mae
from voxtune.evaluate.metrics.quality import dnsmos
from voxtune.evaluate.metrics.speaker import cosine_similarity, embed_speaker
from voxtune.evaluate.metrics.wer import character_error_rate, word_error_rate
from voxtune.evaluate.suite.analysis import SignalAnalysis, analyse, analysis_rate, compare_f0, compare_mcd
from voxtune.evaluate.suite.items import EvalItem
from voxtune.evaluate.suite.judges import Judges
from voxtune.evaluate.suite.metric_specs import SPECS

NOT_APPLICABLE = frozenset({"no_judge", "no_emotion_label", "no_language"})
"""Codes that mean a metric does not apply to an item (no judge for its language, no label to check
against): recorded as skipped, not as a failure of the system."""

GROUP_KEYS: dict[str, tuple[str, ...]] = {}
for _spec in SPECS:
    GROUP_KEYS.setdefault(_spec.group, ())
    GROUP_KEYS[_spec.group] += (_spec.key,)


@dataclass
class Output:
    """What one system produced for one item: audio (TTS) or text (STT), how long it took, or why not."""

    system: str
    item: EvalItem
    audio: np.ndarray | None = None
    sample_rate: int | None = None
    text: str | None = None
    seconds: float | None = None
    stopped: str = ""
    failure: ItemFailure | None = None
    input_seconds: float | None = None
    """STT: length of the audio transcribed (the real-time factor's denominator)."""

    @property
    def duration_s(self) -> float | None:
        if self.audio is None or not self.sample_rate:
            return None
        return self.audio.size / self.sample_rate


@dataclass
class ItemScores:
    """Values by metric key, failures by metric key, and what the judges heard."""

    item: str
    values: dict[str, float] = field(default_factory=dict)
    failures: dict[str, ItemFailure] = field(default_factory=dict)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    """``wer``/``cer``: (edits, reference units), for corpus-level rates."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Metric key -> why it does not apply to this item (see NOT_APPLICABLE)."""
    transcript: str | None = None
    predicted_language: str | None = None
    notes: list[str] = field(default_factory=list)


def check_output_audio(item_id: str, audio: np.ndarray | None, sample_rate: int | None) -> None:
    """UnscorableError ``empty_output`` / ``non_finite_output`` / ``silent_output`` for unusable audio."""
    if audio is None or sample_rate is None or np.asarray(audio).size == 0:
        raise UnscorableError("empty_output", f"the system produced no audio for {item_id}")
    try:
        prepare_audio(audio, sample_rate, what="generated audio")
    except UnscorableError as exc:
        code = {"silent_audio": "silent_output", "non_finite_audio": "non_finite_output"}.get(
            exc.code, exc.code
        )
        raise UnscorableError(code, f"{item_id}: {exc.reason}", **exc.details) from None


@dataclass
class _Reference:
    """Lazily measured facts about one item's reference recording (or why they cannot be had)."""

    item: EvalItem
    cache: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.cache:
            try:
                self.cache[key] = compute()
            except ItemError as exc:
                self.cache[key] = exc
        value = self.cache[key]
        if isinstance(value, ItemError):
            raise value
        return value


class Scorer:
    """Scores outputs with the metric ``groups`` asked for, using ``judges``.

    ``plot_items``: item ids whose F0 tracks are kept in ``f0_tracks`` for the report's plots.
    ``candidate_languages``: the languages text-side language ID chooses among.
    """

    def __init__(
        self,
        judges: Judges,
        groups: Iterable[str],
        *,
        task: str,
        candidate_languages: Iterable[str] = (),
        plot_items: Iterable[str] = (),
    ):
        self.judges = judges
        self.groups = set(groups)
        self.task = task
        self.candidates = sorted(set(candidate_languages))
        self.plot_items = set(plot_items)
        self.f0_tracks: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._references: dict[str, _Reference] = {}

    # -- plumbing ----------------------------------------------------------------------------------
    def _run(self, scores: ItemScores, groups: str | tuple[str, ...], compute: Callable[[], None]) -> None:
        """Run ``compute`` when any of ``groups`` is active; an ItemError fails their unfilled keys."""
        active = [g for g in ((groups,) if isinstance(groups, str) else groups) if g in self.groups]
        if not active:
            return
        try:
            compute()
        except ItemError as exc:
            failure = ItemFailure(scores.item, exc.code, exc.reason)
            for group in active:
                for key in GROUP_KEYS[group]:
                    if key in scores.values:
                        continue
                    if exc.code in NOT_APPLICABLE:
                        scores.skipped.setdefault(key, exc.reason)
                    else:
                        scores.failures.setdefault(key, failure)

    def _reference(self, item: EvalItem) -> _Reference:
        if item.id not in self._references:
            self._references[item.id] = _Reference(item)
        return self._references[item.id]

    def _reference_analysis(self, item: EvalItem) -> SignalAnalysis:
        def compute() -> SignalAnalysis:
            samples, rate = item.reference_audio()
            result = analyse(samples, rate, rate=analysis_rate(rate), what="reference audio")
            if item.id in self.plot_items:
                self.f0_tracks[("reference", item.id)] = (result.times_s, result.f0_hz)
            return result

        return self._reference(item).get("analysis", compute)

    # -- entry points ------------------------------------------------------------------------------
    def score(self, output: Output) -> ItemScores:
        """Every active metric of one output; a failed output fails every metric (WER counts it as
        all deletions, so failures cannot flatter a system)."""
        item = output.item
        scores = ItemScores(item.id)
        if output.failure is not None:
            for group in self.groups:
                for key in GROUP_KEYS[group]:
                    scores.failures[key] = output.failure
            if item.text and self.task == "tts" and self.judges.has_asr(item.language):
                self._error_rates(scores, item, "")
            return scores
        if self.task == "stt":
            self._run(scores, ("wer", "cer"), lambda: self._error_rates(scores, item, output.text or ""))
            self._latency(scores, output)
            return scores
        audio, rate = np.asarray(output.audio, dtype=np.float32), int(output.sample_rate or 0)
        self._score_audio(scores, item, audio, rate)
        if item.cut is not None:
            self._run(scores, ("mcd", "f0"), lambda: self._mcd_f0(scores, output.system, item, audio, rate))
            self._run(scores, "speaker", lambda: self._speaker(scores, item, audio, rate))
            self._run(scores, "duration", lambda: self._duration(scores, item, audio, rate))
        self._latency(scores, output)
        return scores

    def score_reference(self, item: EvalItem) -> ItemScores:
        """The reference recording through the reference-free metrics: the judges' own floor
        (WER of real speech) and the quality a listener would hear from the data itself."""
        scores = ItemScores(item.id)
        try:
            samples, rate = item.reference_audio()
            check_output_audio(item.id, samples, rate)
        except UnscorableError as exc:
            failure = ItemFailure(item.id, exc.code, exc.reason)
            for group in self.groups:
                for key in GROUP_KEYS[group]:
                    scores.failures[key] = failure
            return scores
        self._score_audio(scores, item, samples, rate)
        return scores

    # -- metric groups -----------------------------------------------------------------------------
    def _score_audio(self, scores: ItemScores, item: EvalItem, audio: np.ndarray, rate: int) -> None:
        self._run(scores, ("wer", "cer"), lambda: self._transcribe(scores, item, audio, rate))
        self._run(scores, "dnsmos", lambda: self._dnsmos(scores, audio, rate))
        self._run(scores, "utmos", lambda: self._utmos(scores, audio, rate))
        self._run(scores, "language_id", lambda: self._language_id(scores, item, audio, rate))
        self._run(scores, "emotion", lambda: self._emotion(scores, item, audio, rate))

    def _transcribe(self, scores: ItemScores, item: EvalItem, audio: np.ndarray, rate: int) -> None:
        if not item.text:
            raise UnscorableError("missing_text", f"{item.id} has no reference text")
        judge = self.judges.asr(item.language)
        try:
            scores.transcript = judge.transcribe(audio, rate, language=item.language)
        except VoxtuneError as exc:
            raise UnscorableError("judge_failed", f"{judge.name}: {exc}") from None
        self._error_rates(scores, item, scores.transcript)

    def _error_rates(self, scores: ItemScores, item: EvalItem, hypothesis: str) -> None:
        if not item.text:
            raise UnscorableError("missing_text", f"{item.id} has no reference text")
        for key, measure in (("wer", word_error_rate), ("cer", character_error_rate)):
            if key not in self.groups:
                continue
            rates = measure([item.text], [hypothesis], language=item.language, item_ids=[item.id])
            if rates.failures:
                scores.failures[key] = rates.failures[0]
                continue
            edits = rates.substitutions + rates.deletions + rates.insertions
            scores.values[key] = rates.utterance_rates[0]
            scores.counts[key] = (edits, rates.reference_units)

    def _mcd_f0(self, scores: ItemScores, system: str, item: EvalItem, audio: np.ndarray, rate: int) -> None:
        reference = self._reference_analysis(item)
        test = analyse(audio, rate, rate=reference.cepstrogram.sample_rate, what="generated audio")
        if item.id in self.plot_items:
            self.f0_tracks[(system, item.id)] = (test.times_s, test.f0_hz)
        scores.notes += list(test.audio.notes)
        if "mcd" in self.groups:
            scores.values["mcd_db"] = compare_mcd(reference, test).mcd_db
        if "f0" in self.groups:
            try:
                f0 = compare_f0(reference, test)
            except UnscorableError as exc:
                for key in GROUP_KEYS["f0"]:
                    scores.failures[key] = ItemFailure(scores.item, exc.code, exc.reason)
                return
            scores.values["f0_rmse_hz"] = f0.rmse_hz
            scores.values["vuv_error"] = f0.vuv_error_rate
            if f0.correlation is None:
                scores.failures["f0_corr"] = ItemFailure(
                    scores.item, "f0_constant", "fewer than two frames voiced in both, or a flat F0 track"
                )
            else:
                scores.values["f0_corr"] = f0.correlation

    def _speaker(self, scores: ItemScores, item: EvalItem, audio: np.ndarray, rate: int) -> None:
        embedder = self.judges.speaker_embedder()

        def reference_embedding() -> np.ndarray:
            samples, ref_rate = item.reference_audio()
            return embed_speaker(samples, ref_rate, embedder, what="reference audio")[0]

        reference = self._reference(item).get("speaker", reference_embedding)
        vector, notes = embed_speaker(audio, rate, embedder, what="generated audio")
        scores.notes += list(notes)
        scores.values["speaker_sim"] = cosine_similarity(reference, vector)

    def _duration(self, scores: ItemScores, item: EvalItem, audio: np.ndarray, rate: int) -> None:
        aligner = self.judges.aligner()
        if not item.text:
            raise UnscorableError("missing_text", f"{item.id} has no text to align")
        text = item.text

        def words(samples: np.ndarray, sample_rate: int) -> list[TimedToken]:
            aligned = aligner.align_words(samples, sample_rate, text)
            return [TimedToken(w.text, w.start, w.end) for w in aligned.words]

        def reference_words() -> list[TimedToken]:
            return words(*item.reference_audio())

        reference = self._reference(item).get("words", reference_words)
        scores.values["duration_mae_ms"] = duration_mae(reference, words(audio, rate)).mae_ms

    def _dnsmos(self, scores: ItemScores, audio: np.ndarray, rate: int) -> None:
        result = dnsmos(audio, rate)
        scores.values.update(dnsmos_ovrl=result.ovrl, dnsmos_sig=result.sig, dnsmos_bak=result.bak)
        scores.notes += list(result.notes)

    def _utmos(self, scores: ItemScores, audio: np.ndarray, rate: int) -> None:
        if not self.judges.has_utmos:
            raise UnscorableError("no_judge", "no UTMOS checkpoint is configured")
        value, notes = self.judges.utmos().score(audio, rate)
        scores.values["utmos"] = value
        scores.notes += list(notes)

    def _language_id(self, scores: ItemScores, item: EvalItem, audio: np.ndarray, rate: int) -> None:
        if item.language is None:
            raise UnscorableError("no_language", f"{item.id} has no language to check against")
        if self.judges.has_audio_language_id:
            guess = self.judges.audio_language_id().identify(audio, rate)
            scores.notes += list(guess.notes)
            predicted: str | None = guess.language
        elif self.judges.spec.text_language_id and self.judges.has_asr(item.language):
            if scores.transcript is None:
                self._transcribe(scores, item, audio, rate)
            detector = self.judges.text_language_detector(self.candidates)
            found = detector.detect(scores.transcript or "")
            predicted = None if found is None else found.language
        else:
            raise UnscorableError(
                "no_judge", "language ID needs judges.language_id, or an ASR judge for text-side ID"
            )
        scores.predicted_language = predicted
        scores.values["language_id"] = float(predicted == item.language)

    def _emotion(self, scores: ItemScores, item: EvalItem, audio: np.ndarray, rate: int) -> None:
        if item.emotion is None:
            raise UnscorableError("no_emotion_label", f"{item.id} has no emotion label")
        classifier = self.judges.emotion()
        prediction = classifier.predict(audio, rate)
        scores.values["emotion"] = float(prediction.label == classifier.canonical(item.emotion))

    def _latency(self, scores: ItemScores, output: Output) -> None:
        if "latency" not in self.groups or output.seconds is None:
            return
        scores.values["latency_s"] = output.seconds
        length = output.input_seconds if self.task == "stt" else output.duration_s
        if length:
            scores.values["rtf"] = output.seconds / length
