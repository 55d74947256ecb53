"""Corpus interop: export to each trainer's exact layout and import the corpora people already have.

One module per format holds its writer and, where there is one, its reader, side by side:
``moshi`` (moshi-finetune), ``hf`` (datasets for CSM / Unsloth), ``kokoro`` (StyleTTS2 lists),
``ljspeech`` (Piper, Coqui), ``nemo``, ``lhotse_native`` (manifests + Shar) and ``commonvoice``.
"""

from voxtune.formats.base import (
    SUMMARY_FILE,
    Exporter,
    ExportLedger,
    ExportOptions,
    FormatSummary,
    Reader,
    ReaderOptions,
)
from voxtune.formats.export import ExportResult, export_corpus
from voxtune.formats.importing import import_corpus
from voxtune.formats.moshi_contract import ContractProblem, check_moshi_export
from voxtune.formats.registry import EXPORTERS, READERS, get_exporter, get_reader

__all__ = [
    "EXPORTERS",
    "READERS",
    "SUMMARY_FILE",
    "ContractProblem",
    "ExportLedger",
    "ExportOptions",
    "ExportResult",
    "Exporter",
    "FormatSummary",
    "Reader",
    "ReaderOptions",
    "check_moshi_export",
    "export_corpus",
    "get_exporter",
    "get_reader",
    "import_corpus",
]
