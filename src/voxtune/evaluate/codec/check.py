"""``voxtune evaluate codec``: round-trip target-language audio through a codec and say what it loses.

Per item: the codec's delay is undone (cross-correlation), then log-spectral distance (after matching
the overall level), F0 correlation
and voiced/unvoiced agreement (WORLD Harvest, as the other F0 metrics), the energy-dip preservation of
marked syllables (the stød proxy of ``measures``), and, where an ASR judge exists for the language, the
CER of the original and the decoded audio. Per language the means (with bootstrap intervals) are held
against thresholds, and a language is flagged where the codec loses what matters. Thresholds are
starting points, not calibrated values: set them from a codec and language you trust.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from lhotse.cut import Cut
from pydantic import Field

from voxtune.config import StrictModel
from voxtune.corpus import Corpus, fields
from voxtune.corpus.manifest import write_json
from voxtune.errors import InputError, ItemError, VoxtuneError
from voxtune.evaluate.codec.codecs import AudioCodec, load_codec
from voxtune.evaluate.codec.measures import (
    DipComparison,
    align_decoded,
    compare_dips,
    log_spectral_distance,
    match_level,
)
from voxtune.evaluate.errors import ItemFailure, UnscorableError
from voxtune.evaluate.judges import Judge
from voxtune.evaluate.metrics.f0 import compare_f0_tracks, extract_f0
from voxtune.evaluate.metrics.wer import character_error_rate
from voxtune.evaluate.suite.items import spread_over_languages
from voxtune.evaluate.suite.judges import ANY_LANGUAGE, build_asr_judge
from voxtune.evaluate.suite.summary import Bootstrap, Summary, summarise
from voxtune.models.codec_cache import cut_waveform

GLOTTAL_MARKS = ("ˀ", "ʔ")
"""Phoneme symbols that mark a word for the energy-dip check: espeak writes Danish stød as ʔ."""


class CodecThresholds(StrictModel):
    """A language is flagged when any of these is crossed (per-language means / medians)."""

    lsd_db: float = Field(4.0, gt=0)
    """Log-spectral distance above this (dB)."""
    f0_correlation: float = Field(0.9, ge=-1, le=1)
    """F0 correlation below this."""
    vuv_agreement: float = Field(0.9, ge=0, le=1)
    """Share of frames keeping their voiced/unvoiced decision below this."""
    dip_preservation: float = Field(0.5, ge=0)
    """Median decoded/original energy-dip depth of marked spans below this."""
    cer_ratio: float = Field(1.5, gt=0)
    """Decoded CER above this multiple of the original's ..."""
    cer_increase: float = Field(0.05, ge=0)
    """... and higher by more than this (absolute), so a judge's noise on tiny CERs is not a flag."""


class CodecCheckConfig(StrictModel):
    model: str
    """Mimi hub id or folder, or a CSM / Moshi model whose codec is checked."""
    corpus: Path
    out: Path = Path("eval/codec")
    split: str | None = None
    languages: list[str] | None = None
    per_language: int = Field(20, gt=0)
    num_quantizers: int | None = Field(None, gt=0)
    judges: dict[str, str] = {}
    """ASR judge per language (``*`` for the rest), as in the evaluation config."""
    mark_words: list[str] = []
    """Words to check for energy dips besides those whose phonemes carry a glottal mark."""
    mark_phonemes: list[str] = list(GLOTTAL_MARKS)
    examples: int = Field(2, ge=0)
    """Items per language saved as original/decoded WAV and shown in the report."""
    thresholds: CodecThresholds = CodecThresholds()
    device: str = "cpu"
    seed: int = 0


@dataclass(frozen=True)
class CodecItem:
    """One clip to round-trip: mono samples at the codec's rate, and the spans marked for dips."""

    id: str
    language: str | None
    text: str | None
    samples: np.ndarray
    spans: tuple[tuple[str, float, float], ...] = ()


@dataclass
class CodecItemResult:
    id: str
    language: str | None
    lag_ms: float | None = None
    lsd_db: float | None = None
    f0_correlation: float | None = None
    vuv_agreement: float | None = None
    dips: list[DipComparison] = field(default_factory=list)
    transcripts: tuple[str, str] | None = None
    cer: tuple[float, float] | None = None
    cer_counts: tuple[tuple[int, int], tuple[int, int]] | None = None
    failures: list[ItemFailure] = field(default_factory=list)
    decoded: np.ndarray | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "language": self.language,
            "lag_ms": self.lag_ms,
            "lsd_db": self.lsd_db,
            "f0_correlation": self.f0_correlation,
            "vuv_agreement": self.vuv_agreement,
            "dips": [
                {
                    "label": d.label,
                    "start_s": d.start_s,
                    "end_s": d.end_s,
                    "original_db": d.original_db,
                    "decoded_db": d.decoded_db,
                    "preservation": d.preservation,
                }
                for d in self.dips
            ],
            "transcripts": None if self.transcripts is None else list(self.transcripts),
            "cer": None if self.cer is None else list(self.cer),
            "failures": [{"code": f.code, "reason": f.reason} for f in self.failures],
        }


@dataclass
class LanguageVerdict:
    language: str
    items: int
    lsd_db: Summary
    f0_correlation: Summary
    vuv_agreement: Summary
    dip_preservation: float | None
    """Median over marked spans with a dip in the original."""
    dip_spans: int
    cer_original: float | None
    cer_decoded: float | None
    flags: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "items": self.items,
            "lsd_db": self.lsd_db.to_dict(),
            "f0_correlation": self.f0_correlation.to_dict(),
            "vuv_agreement": self.vuv_agreement.to_dict(),
            "dip_preservation": self.dip_preservation,
            "dip_spans": self.dip_spans,
            "cer_original": self.cer_original,
            "cer_decoded": self.cer_decoded,
            "cer_ratio": cer_ratio(self.cer_original, self.cer_decoded),
            "flags": self.flags,
        }


@dataclass
class CodecCheckResult:
    codec: str
    sample_rate: int
    bitrate_bps: float | None
    items: list[CodecItemResult]
    languages: dict[str, LanguageVerdict]
    thresholds: CodecThresholds
    judges: dict[str, str]
    seconds: float
    out: Path | None = None
    examples: dict[str, dict[str, str]] = field(default_factory=dict)
    """Item id -> {"original": path, "decoded": path} (relative to ``out``)."""
    inputs: dict[str, CodecItem] = field(default_factory=dict)

    @property
    def json_path(self) -> Path:
        assert self.out is not None
        return self.out / "codec.json"

    @property
    def report_path(self) -> Path:
        assert self.out is not None
        return self.out / "report.html"

    @property
    def flagged(self) -> list[str]:
        return [lang for lang, verdict in self.languages.items() if verdict.flags]


def cer_ratio(original: float | None, decoded: float | None) -> float | None:
    """decoded / original CER; None without both, or when the original is transcribed perfectly."""
    if original is None or decoded is None or original == 0:
        return None
    return decoded / original


def marked_spans(
    cut: Cut, mark_words: Iterable[str], mark_phonemes: Iterable[str]
) -> list[tuple[str, float, float]]:
    """Word spans (seconds from the cut's start) to check for dips: words listed in ``mark_words``
    (case-insensitive) or whose per-word phonemes contain one of ``mark_phonemes``."""
    if not cut.supervisions:
        return []
    sup = cut.supervisions[0]
    words = (sup.alignment or {}).get(fields.WORD_ALIGNMENT) or []
    phonemes = (sup.custom or {}).get(fields.WORD_PHONEMES) or []
    if len(phonemes) != len(words):
        phonemes = [""] * len(words)
    wanted = {w.casefold() for w in mark_words}
    marks = tuple(mark_phonemes)
    spans = []
    for word, word_phonemes in zip(words, phonemes, strict=True):
        if word.symbol.casefold() in wanted or any(m in (word_phonemes or "") for m in marks):
            start = word.start - cut.start
            spans.append((word.symbol, round(start, 4), round(start + word.duration, 4)))
    return spans


def codec_items(
    corpus: Corpus, config: CodecCheckConfig, sample_rate: int
) -> tuple[list[CodecItem], list[ItemFailure]]:
    """Items of the split and languages asked for, ``per_language`` at most, at ``sample_rate``."""
    from voxtune.evaluate.suite.items import EvalItem

    cuts = {cut.id: cut for cut in corpus.cuts(config.split)}
    wanted = set(config.languages or [])
    chosen = [
        EvalItem(cut.id, "codec", None, cut.supervisions[0].language if cut.supervisions else None)
        for cut in cuts.values()
        if not wanted or (cut.supervisions and cut.supervisions[0].language in wanted)
    ]
    picked = spread_over_languages(chosen, None, config.per_language)
    if not picked:
        raise InputError("no corpus items match the split and languages asked for", path=corpus.root)
    items, failures = [], []
    for item in picked:
        cut = cuts[item.id]
        try:
            samples = cut_waveform(cut, sample_rate)[0]
        except ItemError as exc:
            failures.append(ItemFailure(cut.id, exc.code, exc.reason))
            continue
        sup = cut.supervisions[0] if cut.supervisions else None
        items.append(
            CodecItem(
                cut.id,
                item.language,
                (sup.text or None) if sup else None,
                samples,
                tuple(marked_spans(cut, config.mark_words, config.mark_phonemes)),
            )
        )
    return items, failures


def check_item(
    codec: AudioCodec, item: CodecItem, judge: Callable[[str | None], Judge | None]
) -> CodecItemResult:
    """Round-trip one item and measure it (see the module docstring)."""
    result = CodecItemResult(item.id, item.language)
    rate = codec.sample_rate
    decoded = np.asarray(codec.roundtrip(item.samples), dtype=np.float32).reshape(-1)
    result.decoded = decoded
    if decoded.size == 0 or not np.isfinite(decoded).all():
        result.failures.append(
            ItemFailure(item.id, "bad_decode", "the codec returned empty or non-finite audio")
        )
        return result
    original, aligned, lag = align_decoded(item.samples, decoded, rate)
    result.lag_ms = 1000.0 * lag / rate
    result.lsd_db = log_spectral_distance(original, match_level(original, aligned), rate)
    try:
        f0 = compare_f0_tracks(extract_f0(original, rate), extract_f0(aligned, rate))
        result.vuv_agreement = 1.0 - f0.vuv_error_rate
        result.f0_correlation = f0.correlation
    except UnscorableError as exc:
        result.failures.append(ItemFailure(item.id, exc.code, exc.reason))
    shift = max(0, -lag) / rate
    spans = [(label, start - shift, end - shift) for label, start, end in item.spans]
    result.dips = compare_dips(original, aligned, rate, spans)
    asr = judge(item.language)
    if asr is not None and item.text:
        try:
            heard = (
                asr.transcribe(item.samples, rate, language=item.language),
                asr.transcribe(decoded, rate, language=item.language),
            )
        except VoxtuneError as exc:
            result.failures.append(ItemFailure(item.id, "judge_failed", str(exc)))
        else:
            rates = [character_error_rate([item.text], [h], language=item.language) for h in heard]
            if not rates[0].failures:
                result.transcripts = heard
                result.cer = (rates[0].utterance_rates[0], rates[1].utterance_rates[0])
                result.cer_counts = tuple(  # type: ignore[assignment]
                    (r.substitutions + r.deletions + r.insertions, r.reference_units) for r in rates
                )
    return result


def language_verdicts(
    results: Sequence[CodecItemResult], thresholds: CodecThresholds, bootstrap: Bootstrap
) -> dict[str, LanguageVerdict]:
    """Per-language summaries and the flags they raise."""
    groups: dict[str, list[CodecItemResult]] = defaultdict(list)
    for result in results:
        groups[result.language or "?"].append(result)
    verdicts = {}
    for language, group in sorted(groups.items()):

        def summary(attr: str, group: list[CodecItemResult] = group) -> Summary:
            values = [getattr(r, attr) for r in group if getattr(r, attr) is not None]
            return summarise(values, [], bootstrap)

        lsd, corr, vuv = summary("lsd_db"), summary("f0_correlation"), summary("vuv_agreement")
        kept = [d.preservation for r in group for d in r.dips if d.preservation is not None]
        dip = float(np.median(kept)) if kept else None
        counts = [r.cer_counts for r in group if r.cer_counts is not None]
        cer_original = cer_decoded = None
        if counts and sum(c[0][1] for c in counts):
            units = sum(c[0][1] for c in counts)
            cer_original = sum(c[0][0] for c in counts) / units
            cer_decoded = sum(c[1][0] for c in counts) / units
        flags = []
        t = thresholds
        if lsd.mean is not None and lsd.mean > t.lsd_db:
            flags.append(f"spectrum: log-spectral distance {lsd.mean:.2f} dB > {t.lsd_db:g} dB")
        if corr.mean is not None and corr.mean < t.f0_correlation:
            flags.append(f"pitch: F0 correlation {corr.mean:.2f} < {t.f0_correlation:g}")
        if vuv.mean is not None and vuv.mean < t.vuv_agreement:
            flags.append(f"voicing: V/UV agreement {vuv.mean:.0%} < {t.vuv_agreement:.0%}")
        if dip is not None and dip < t.dip_preservation:
            flags.append(
                f"stød/glottalisation: energy dips of marked spans kept at {dip:.0%} (median of {len(kept)}) "
                f"< {t.dip_preservation:.0%}"
            )
        if cer_original is not None and cer_decoded is not None:
            ratio = cer_ratio(cer_original, cer_decoded)
            if cer_decoded - cer_original > t.cer_increase and (ratio is None or ratio > t.cer_ratio):
                flags.append(
                    f"intelligibility: CER {cer_original:.1%} -> {cer_decoded:.1%}"
                    + (f" (x{ratio:.1f})" if ratio is not None else "")
                )
        verdicts[language] = LanguageVerdict(
            language, len(group), lsd, corr, vuv, dip, len(kept), cer_original, cer_decoded, flags
        )
    return verdicts


def check_codec(
    codec: AudioCodec,
    items: Sequence[CodecItem],
    *,
    judges: dict[str, str] | None = None,
    thresholds: CodecThresholds | None = None,
    bootstrap: Bootstrap | None = None,
    failures: Sequence[ItemFailure] = (),
) -> CodecCheckResult:
    """Round-trip every item through ``codec`` and judge each language (nothing is written)."""
    started = time.perf_counter()
    specs = dict(judges or {})
    loaded: dict[str, Judge | None] = {}
    status: dict[str, str] = {}

    def judge(language: str | None) -> Judge | None:
        spec = specs.get(language or "") or specs.get(ANY_LANGUAGE)
        if spec is None:
            return None
        if spec not in loaded:
            try:
                loaded[spec] = build_asr_judge(spec)
                status[spec] = "loaded"
            except VoxtuneError as exc:
                loaded[spec] = None
                status[spec] = f"unavailable: {exc}"
        return loaded[spec]

    results = [check_item(codec, item, judge) for item in items]
    for failure in failures:
        result = CodecItemResult(failure.item, None)
        result.failures.append(failure)
        results.append(result)
    thresholds = thresholds or CodecThresholds()
    verdicts = language_verdicts(
        [r for r in results if r.lsd_db is not None], thresholds, bootstrap or Bootstrap()
    )
    return CodecCheckResult(
        codec=codec.name,
        sample_rate=codec.sample_rate,
        bitrate_bps=codec.bitrate_bps,
        items=results,
        languages=verdicts,
        thresholds=thresholds,
        judges=status,
        seconds=time.perf_counter() - started,
        inputs={item.id: item for item in items},
    )


def codec_document(result: CodecCheckResult) -> dict[str, Any]:
    return {
        "codec": result.codec,
        "sample_rate": result.sample_rate,
        "bitrate_bps": result.bitrate_bps,
        "seconds": round(result.seconds, 2),
        "thresholds": result.thresholds.model_dump(),
        "judges": result.judges,
        "flagged_languages": result.flagged,
        "languages": {lang: v.to_dict() for lang, v in result.languages.items()},
        "examples": result.examples,
        "items": [r.to_dict() for r in result.items],
        "stod_proxy": (
            "valley depth (dB) of the 5 ms / 20 ms energy contour inside each marked word, decoded over "
            "original; words are marked by a glottal symbol in their phonemes or by --mark"
        ),
    }


def run_codec_check(config: CodecCheckConfig, codec: AudioCodec | None = None) -> CodecCheckResult:
    """Load the codec (unless given), check the corpus items and write ``codec.json``, ``report.html``
    and original/decoded examples under ``config.out``."""
    from voxtune.evaluate.suite.generation import write_clip
    from voxtune.reports.codec_report import write_codec_report

    codec = codec or load_codec(config.model, num_quantizers=config.num_quantizers, device=config.device)
    items, failures = codec_items(Corpus.open(config.corpus), config, codec.sample_rate)
    result = check_codec(
        codec,
        items,
        judges=config.judges,
        thresholds=config.thresholds,
        bootstrap=Bootstrap(seed=config.seed),
        failures=failures,
    )
    result.out = Path(config.out)
    shown: dict[str, int] = defaultdict(int)
    for item_result in result.items:
        item = result.inputs.get(item_result.id)
        language = item_result.language or "?"
        if item is None or item_result.decoded is None or shown[language] >= config.examples:
            continue
        shown[language] += 1
        paths = {}
        for kind, samples in (("original", item.samples), ("decoded", item_result.decoded)):
            relative = f"samples/{item.id}.{kind}.wav"
            write_clip(result.out / relative, samples, codec.sample_rate)
            paths[kind] = relative
        result.examples[item.id] = paths
    write_json(codec_document(result), result.json_path)
    write_codec_report(result)
    return result
