"""The per-item values a suite records: their names, units, which way is better, and what they need.

Each config metric group (``f0``, ``dnsmos``, ...) yields one or more values per item; reports and
deltas are computed per value. ``reference`` marks values that compare against the item's recorded
audio, so sets without recordings (regression and confusion sentences) skip them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class MetricSpec:
    key: str
    group: str
    label: str
    unit: str
    better: Literal["lower", "higher"]
    reference: bool = False
    """Needs the item's reference audio."""
    digits: int = 3

    def improved(self, delta: float) -> bool:
        """Whether a change of ``delta`` (adapter - base) is an improvement."""
        return delta < 0 if self.better == "lower" else delta > 0


SPECS: tuple[MetricSpec, ...] = (
    MetricSpec("wer", "wer", "WER (mean per utterance)", "", "lower"),
    MetricSpec("cer", "cer", "CER (mean per utterance)", "", "lower"),
    MetricSpec("mcd_db", "mcd", "MCD", "dB", "lower", reference=True),
    MetricSpec("f0_rmse_hz", "f0", "F0 RMSE", "Hz", "lower", reference=True),
    MetricSpec("vuv_error", "f0", "V/UV error", "", "lower", reference=True),
    MetricSpec("f0_corr", "f0", "F0 correlation", "", "higher", reference=True),
    MetricSpec("speaker_sim", "speaker", "speaker similarity", "", "higher", reference=True),
    MetricSpec("duration_mae_ms", "duration", "word duration MAE", "ms", "lower", reference=True, digits=1),
    MetricSpec("dnsmos_ovrl", "dnsmos", "DNSMOS OVRL", "", "higher"),
    MetricSpec("dnsmos_sig", "dnsmos", "DNSMOS SIG", "", "higher"),
    MetricSpec("dnsmos_bak", "dnsmos", "DNSMOS BAK", "", "higher"),
    MetricSpec("utmos", "utmos", "UTMOS (English-trained)", "", "higher"),
    MetricSpec("language_id", "language_id", "language ID accuracy", "", "higher"),
    MetricSpec("emotion", "emotion", "emotion accuracy", "", "higher"),
    MetricSpec("latency_s", "latency", "latency (total = first audio)", "s", "lower"),
    MetricSpec("rtf", "latency", "real-time factor", "", "lower"),
)

BY_KEY: dict[str, MetricSpec] = {spec.key: spec for spec in SPECS}

TTS_ONLY_GROUPS = frozenset({"mcd", "f0", "speaker", "duration", "dnsmos", "utmos", "emotion"})
"""Groups that score generated audio; an STT family produces text, so it gets WER/CER/latency only."""


def specs_for_groups(groups: set[str]) -> list[MetricSpec]:
    return [spec for spec in SPECS if spec.group in groups]
