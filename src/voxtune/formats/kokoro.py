"""kokoro: the StyleTTS2 list layout that Kokoro fine-tuning reads (export only).

Written, as StyleTTS2's ``meldataset.FilePathDataset`` reads it (``root_path`` = the ``wavs`` folder):

* ``wavs/<id>.wav`` at 24 kHz mono;
* ``train_list.txt`` / ``val_list.txt``: ``<id>.wav|<phonemes>|<speaker number>`` per line;
* ``OOD_texts.txt``: ``<phonemes>|<speaker number>`` lines of text the model does not train on, for
  the style-diffusion / SLM-adversarial stage. StyleTTS2 draws lines (never the last) until one has at
  least ``min_length`` (50) symbols, so it needs two lines or more with a long one among them;
* ``speakers.json``: speaker number -> corpus speaker id.

Phonemes come from the phonemise stage (``supervision.custom["phonemes"]``, or ``phonemes_field``).
Kokoro reads one token per character with a 512-token context (510 phonemes plus the two pads), and
drops characters missing from its vocabulary; items breaking either go to the ledger.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lhotse.cut import Cut
from pydantic import Field

from voxtune.config import RecipePath
from voxtune.corpus import fields
from voxtune.errors import InputError, ItemError
from voxtune.formats.audio import mono_audio, write_wav
from voxtune.formats.base import Exporter, ExportLedger, ExportOptions, FormatSummary
from voxtune.formats.items import (
    export_name,
    item_text,
    single_line,
    speaker_index,
    split_of,
    supervisions_in_order,
)
from voxtune.text.g2p.kokoro import kokoro_vocab

SAMPLE_RATE = 24_000
MAX_PHONEMES = 510
WAVS_FOLDER = "wavs"
TRAIN_LIST = "train_list.txt"
VAL_LIST = "val_list.txt"
OOD_LIST = "OOD_texts.txt"
SPEAKERS_FILE = "speakers.json"
HELD_OUT_SPLITS = ("validation", "test")


class KokoroOptions(ExportOptions):
    phonemes_field: str = fields.PHONEMES
    """Supervision custom field holding the item's phoneme string."""
    max_phonemes: int = Field(MAX_PHONEMES, ge=1, le=MAX_PHONEMES)
    check_vocab: bool = True
    """Reject items with symbols Kokoro's vocabulary lacks (Kokoro would silently drop them)."""
    val_fraction: float = Field(0.05, ge=0.0, lt=1.0)
    """Share of items held out for val_list.txt when the corpus has no validation/test split."""
    ood_texts: RecipePath | None = None
    """A file of extra out-of-distribution phoneme strings, one per line."""
    ood_min_length: int = Field(50, ge=1)
    """StyleTTS2's ``min_length``: OOD lines shorter than this are never used."""


@dataclass(frozen=True)
class _Line:
    name: str
    phonemes: str
    speaker: int
    held_out: bool


class KokoroExporter(Exporter):
    name = "kokoro"
    description = (
        "Kokoro / StyleTTS2 lists: wavs/ (24 kHz) + train_list.txt, val_list.txt (file|phonemes|speaker)"
    )
    options_class = KokoroOptions
    options: KokoroOptions

    def check(self, cuts: Iterable[Cut]) -> None:
        path = self.options.ood_texts
        if path is not None and not path.is_file():
            raise InputError("the ood_texts file does not exist", path=path)

    def write(self, cuts: Iterable[Cut], folder: Path, ledger: ExportLedger) -> FormatSummary:
        speakers = speaker_index({sup.speaker for cut in cuts for sup in cut.supervisions})
        lines: list[_Line] = []
        summary = FormatSummary()
        for cut in cuts:
            with ledger.item(cut):
                name = export_name(cut.id)
                speaker = item_text(cut).speaker
                phonemes = self._phonemes(cut)
                duration = write_wav(
                    folder / WAVS_FOLDER / f"{name}.wav", mono_audio(cut, SAMPLE_RATE), SAMPLE_RATE
                )
                lines.append(_Line(name, phonemes, speakers[speaker], split_of(cut) in HELD_OUT_SPLITS))
                summary.items += 1
                summary.files += 1
                summary.seconds += duration
        train, val = self._split(lines)
        _write_lines(folder / TRAIN_LIST, [f"{x.name}.wav|{x.phonemes}|{x.speaker}" for x in train])
        _write_lines(folder / VAL_LIST, [f"{x.name}.wav|{x.phonemes}|{x.speaker}" for x in val])
        ood, warnings = self._ood_lines(train, val)
        _write_lines(folder / OOD_LIST, ood)
        names = {str(number): name for name, number in speakers.items()}
        (folder / SPEAKERS_FILE).write_text(json.dumps(names, indent=2, ensure_ascii=False) + "\n", "utf-8")
        summary.warnings.extend(warnings)
        summary.details.update(train=len(train), validation=len(val), ood=len(ood), speakers=names)
        return summary

    def _phonemes(self, cut: Cut) -> str:
        parts = []
        for sup in supervisions_in_order(cut):
            if not (sup.text and sup.text.strip()):
                continue
            value = (sup.custom or {}).get(self.options.phonemes_field)
            if not isinstance(value, str) or not value.strip():
                raise ItemError(
                    "no_phonemes",
                    f"no '{self.options.phonemes_field}' on the transcript; run the phonemise stage first",
                )
            parts.append(value.strip())
        phonemes = single_line(" ".join(parts), "phoneme string")
        if len(phonemes) > self.options.max_phonemes:
            raise ItemError(
                "too_many_phonemes",
                f"{len(phonemes)} phonemes; Kokoro takes at most {self.options.max_phonemes} per item "
                "(split long items first)",
                phonemes=len(phonemes),
            )
        if self.options.check_vocab:
            vocab = kokoro_vocab()
            unknown = sorted({char for char in phonemes if char not in vocab})
            if unknown:
                raise ItemError(
                    "unknown_phonemes",
                    f"symbols missing from Kokoro's vocabulary, which it would drop: {' '.join(unknown)} "
                    "(phonemise in Kokoro/misaki mode)",
                    symbols=unknown,
                )
        return phonemes

    def _split(self, lines: list[_Line]) -> tuple[list[_Line], list[_Line]]:
        """The corpus's own validation/test items, else a fixed share chosen by a hash of the id."""
        held = [line for line in lines if line.held_out]
        if held or self.options.val_fraction == 0 or len(lines) < 2:
            return [line for line in lines if not line.held_out], held
        count = max(1, round(len(lines) * self.options.val_fraction))
        chosen = set(sorted(lines, key=lambda line: hashlib.sha1(line.name.encode()).hexdigest())[:count])
        return [x for x in lines if x not in chosen], [x for x in lines if x in chosen]

    def _ood_lines(self, train: list[_Line], val: list[_Line]) -> tuple[list[str], list[str]]:
        """OOD lines from the ood_texts file and the held-out items; training text only as a last resort."""
        minimum = self.options.ood_min_length
        candidates: list[str] = []
        if self.options.ood_texts is not None:
            for raw in self.options.ood_texts.read_text(encoding="utf-8").splitlines():
                fields_ = raw.split("|")
                text = (fields_[1] if len(fields_) > 1 and ".wav" in fields_[0] else fields_[0]).strip()
                if text:
                    candidates.append(f"{text}|0")
        candidates.extend(f"{x.phonemes}|{x.speaker}" for x in val)
        usable = list(dict.fromkeys(c for c in candidates if len(c.split("|")[0]) >= minimum))
        warnings: list[str] = []
        if len(usable) < 2:
            extra = [f"{x.phonemes}|{x.speaker}" for x in train if len(x.phonemes) >= minimum]
            usable = list(dict.fromkeys(usable + extra))
            warnings.append(
                f"fewer than 2 out-of-distribution texts of >= {minimum} phonemes; {OOD_LIST} uses "
                "training texts too (give -O ood_texts=FILE with phonemised sentences)"
            )
        if len(usable) < 2:
            warnings.append(
                f"{OOD_LIST} has {len(usable)} line(s) of >= {minimum} phonemes; StyleTTS2 needs at "
                "least 2 (it never draws the last line) or its data loader loops forever"
            )
        return usable, warnings


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
