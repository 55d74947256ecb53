"""hf: a Hugging Face ``datasets`` DatasetDict saved to disk, as CSM / Unsloth / transformers train on.

Columns: ``id``, ``text`` (spoken form, optionally prefixed ``<lang:xx>``), ``audio``, ``speaker_id``
(the corpus speaker), ``source`` (an integer speaker number: CSM's chat template writes the role as
``[0]``, and Unsloth's CSM recipe reads ``source``), ``language``, ``duration`` and one column per tag
field present (emotion, languages, code-switch counts, particles, ...). One split per corpus split.

The audio column is the ``Audio`` feature with ``decode=False`` holding WAV bytes: the dataset is
self-contained, loads with ``load_from_disk`` anywhere (``datasets>=4`` decodes audio only through
torchcodec, which some machines lack), and ``cast_column("audio", Audio())`` decodes it where a
decoder exists. Export only: ``load_from_disk`` is the way back.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from lhotse.cut import Cut
from pydantic import Field

from voxtune.corpus import fields
from voxtune.errors import ConfigError, ItemError
from voxtune.formats.audio import encode_wav, mono_audio
from voxtune.formats.base import Exporter, ExportLedger, ExportOptions, FormatSummary
from voxtune.formats.items import export_name, item_text, speaker_index, split_of
from voxtune.text.languages import with_language_prefix

DEFAULT_TAGS = [
    fields.EMOTION,
    fields.LANGUAGES,
    fields.SWITCHES,
    fields.PARTICLES,
    fields.WORD_LANGUAGES,
]


class HfOptions(ExportOptions):
    sample_rate: int = Field(24000, ge=8000, le=96000)
    """CSM (Mimi) trains at 24 kHz."""
    language_prefix: bool = False
    """Prefix each text with ``<lang:xx>`` (for models conditioned on a language tag)."""
    tags: list[str] = DEFAULT_TAGS
    """Supervision custom fields to add as columns (those no item has are left out)."""


class HfExporter(Exporter):
    name = "hf"
    description = (
        "Hugging Face datasets DatasetDict (save_to_disk): text, audio 24 kHz, speaker_id/source, tags"
    )
    options_class = HfOptions
    options: HfOptions

    def write(self, cuts: Iterable[Cut], folder: Path, ledger: ExportLedger) -> FormatSummary:
        import datasets
        from datasets import Audio, DatasetDict, Features, Value

        speakers: set[str | None] = set()
        splits: dict[str, None] = {}
        tag_values: dict[str, list[Any]] = {tag: [] for tag in self.options.tags}
        for cut in cuts:
            splits[split_of(cut)] = None
            for sup in cut.supervisions:
                speakers.add(sup.speaker)
                for tag in self.options.tags:
                    value = (sup.custom or {}).get(tag)
                    if value is not None:
                        tag_values[tag].append(value)
        numbers = speaker_index(speakers)
        tag_kinds = {tag: _tag_kind(values) for tag, values in tag_values.items() if values}
        features = Features(
            {
                "id": Value("string"),
                "text": Value("string"),
                "audio": Audio(sampling_rate=self.options.sample_rate, decode=False),
                "speaker_id": Value("string"),
                "source": Value("int64"),
                "language": Value("string"),
                "duration": Value("float64"),
                **{tag: kind[0] for tag, kind in tag_kinds.items()},
            }
        )
        summary = FormatSummary(details={"speakers": {str(n): s for s, n in numbers.items()}, "splits": {}})
        converters = {tag: kind[1] for tag, kind in tag_kinds.items()}

        def rows(split: str) -> Iterator[dict[str, Any]]:
            for cut in cuts:
                if split_of(cut) != split:
                    continue
                row = None
                with ledger.item(cut):
                    row = self._row(cut, numbers, converters)
                if row is not None:
                    summary.items += 1
                    summary.seconds += row["duration"]
                    yield row

        bars_were_off = datasets.are_progress_bars_disabled()
        datasets.disable_progress_bars()
        try:
            with tempfile.TemporaryDirectory(prefix="voxtune-hf-") as cache:
                built = {}
                for split in splits:
                    # from_generator hashes its arguments to name a cache; a generator closure has no
                    # stable hash, so each split gets its own fresh cache folder instead.
                    built[split] = datasets.Dataset.from_generator(
                        rows,
                        features=features,
                        gen_kwargs={"split": split},
                        cache_dir=str(Path(cache) / split),
                    )
                    summary.details["splits"][split] = built[split].num_rows
                DatasetDict({s: d for s, d in built.items() if d.num_rows}).save_to_disk(str(folder))
        finally:
            if not bars_were_off:
                datasets.enable_progress_bars()
        summary.files = summary.items
        return summary

    def _row(
        self, cut: Cut, numbers: dict[str | None, int], converters: dict[str, Callable]
    ) -> dict[str, Any]:
        name = export_name(cut.id)
        text = item_text(cut)
        spoken = text.text
        if self.options.language_prefix:
            if not text.language:
                raise ItemError("no_language", "a <lang:xx> prefix needs the item's language")
            try:
                spoken = with_language_prefix(spoken, text.language)
            except ConfigError as exc:
                raise ItemError("unsupported_language", exc.what) from None
        audio = mono_audio(cut, self.options.sample_rate)
        row: dict[str, Any] = {
            "id": cut.id,
            "text": spoken,
            "audio": {"bytes": encode_wav(audio, self.options.sample_rate), "path": f"{name}.wav"},
            "speaker_id": text.speaker,
            "source": numbers[text.speaker],
            "language": text.language,
            "duration": audio.shape[0] / self.options.sample_rate,
        }
        custom = {}
        for sup in cut.supervisions:
            for tag, value in (sup.custom or {}).items():
                custom.setdefault(tag, value)
        for tag, convert in converters.items():
            value = custom.get(tag)
            row[tag] = None if value is None else convert(value)
        return row


def _tag_kind(values: list[Any]) -> tuple[Any, Callable[[Any], Any]]:
    """An arrow type for a tag's values and how to convert one value to it (JSON text as fallback)."""
    from datasets import Sequence, Value

    if all(isinstance(v, bool) for v in values):
        return Value("bool"), bool
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return Value("int64"), int
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return Value("float64"), float
    if all(isinstance(v, str) for v in values):
        return Value("string"), str
    if all(isinstance(v, list) and all(x is None or isinstance(x, str) for x in v) for v in values):
        return Sequence(Value("string")), list
    return Value("string"), lambda v: json.dumps(v, ensure_ascii=False)
