"""``voxtune evaluate pause``: base vs adapter on a corpus's utterances, digits vs ordinary ones."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voxtune.corpus import Corpus
from voxtune.errors import ConfigError, InputError
from voxtune.evaluate.pause.probe import DIGITS, ProbeItem, Trace, probe_items, run_probe
from voxtune.evaluate.pause.report import DEFAULT_HEAD, DEFAULT_THRESHOLD, ProbeRow, summarise, write_report
from voxtune.models.kyutai_stt.family import KyutaiSttFamily
from voxtune.models.kyutai_stt.settings import SttSettings


@dataclass
class PauseProbeResult:
    rows: list[ProbeRow]
    files: dict[str, Path]
    items: int
    digit_items: int
    skipped: dict[str, int]
    """Cuts left out, by reason code (stereo, no word timings, ...)."""
    traces: list[Trace]


def select_items(items: list[ProbeItem], max_items: int | None) -> list[ProbeItem]:
    """Up to ``max_items`` items, digit utterances and ordinary ones alternating so both groups show."""
    if max_items is None or len(items) <= max_items:
        return items
    digits = [i for i in items if i.group == DIGITS]
    ordinary = [i for i in items if i.group != DIGITS]
    mixed = [i for pair in itertools.zip_longest(digits, ordinary) for i in pair if i is not None]
    return mixed[:max_items]


def probe_pause(
    base: str | Path,
    corpus: str | Path,
    out: str | Path,
    *,
    adapter: str | Path | None = None,
    split: str | None = None,
    max_items: int | None = 40,
    head: int = DEFAULT_HEAD,
    threshold: float = DEFAULT_THRESHOLD,
    min_digits: int = 2,
    settings: dict[str, Any] | None = None,
    device: str = "cpu",
) -> PauseProbeResult:
    """Probe the pause heads of ``base`` (and of ``base`` + ``adapter``) on the corpus's utterances and
    write the table, traces and plot to ``out``."""
    family = KyutaiSttFamily()
    loaded = family.load(base, device=device)
    stt_settings = SttSettings.model_validate(settings or {})
    cuts = Corpus.open(corpus).cuts(split)
    items: list[ProbeItem] = []
    skipped: Counter[str] = Counter()
    for found in probe_items(cuts, int(loaded.sample_rate or 24000), min_digits=min_digits):
        if isinstance(found, ProbeItem):
            items.append(found)
        else:
            skipped[found[1].code] += 1
    if not items:
        raise InputError(
            f"no usable utterance in the corpus{f' split {split!r}' if split else ''} "
            f"(skipped: {dict(skipped)})",
            path=Path(corpus),
            hint="The probe needs mono items with word timings (the align stage)",
        )
    items = select_items(items, max_items)
    heads = loaded.extras.get("pause_heads")
    if heads is not None and not 0 <= head < heads.num_heads:
        raise ConfigError(
            f"--head {head}: the model has {heads.num_heads} pause heads (0..{heads.num_heads - 1})"
        )
    if adapter is None:
        traces = run_probe(loaded, items, stt_settings, "base")
    else:
        from peft import PeftModel

        try:
            peft_model = PeftModel.from_pretrained(loaded.model, str(adapter))
        except (OSError, ValueError, RuntimeError) as exc:
            raise InputError(f"cannot put the adapter on this base: {exc}", path=Path(adapter)) from None
        loaded.model = peft_model.eval()
        with peft_model.disable_adapter():
            traces = run_probe(loaded, items, stt_settings, "base")
        traces += run_probe(loaded, items, stt_settings, "adapter")
    files = write_report(traces, out, head=head, threshold=threshold)
    return PauseProbeResult(
        rows=summarise(traces, head=head, threshold=threshold),
        files=files,
        items=len(items),
        digit_items=sum(i.group == DIGITS for i in items),
        skipped=dict(skipped),
        traces=traces,
    )
