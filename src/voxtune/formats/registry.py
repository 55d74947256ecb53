"""The export formats and import readers by name, as ``--format`` and the ingest stage name them."""

from __future__ import annotations

import difflib
from typing import TypeVar

from voxtune.errors import ConfigError
from voxtune.formats.base import Exporter, Reader
from voxtune.formats.commonvoice import CommonVoiceReader
from voxtune.formats.hf import HfExporter
from voxtune.formats.kokoro import KokoroExporter
from voxtune.formats.lhotse_native import LhotseExporter, LhotseReader
from voxtune.formats.ljspeech import LjspeechExporter, LjspeechReader
from voxtune.formats.moshi import MoshiExporter, MoshiReader
from voxtune.formats.nemo import NemoExporter, NemoReader

EXPORTERS: dict[str, type[Exporter]] = {
    cls.name: cls
    for cls in (MoshiExporter, HfExporter, KokoroExporter, LjspeechExporter, NemoExporter, LhotseExporter)
}
READERS: dict[str, type[Reader]] = {
    cls.name: cls for cls in (MoshiReader, LjspeechReader, NemoReader, LhotseReader, CommonVoiceReader)
}


def get_exporter(name: str) -> type[Exporter]:
    return _lookup(EXPORTERS, name, "export")


def get_reader(name: str) -> type[Reader]:
    return _lookup(READERS, name, "import")


T = TypeVar("T")


def _lookup(table: dict[str, T], name: str, what: str) -> T:
    if name in table:
        return table[name]
    close = difflib.get_close_matches(name, list(table), n=1)
    suggestion = f" (did you mean '{close[0]}'?)" if close else ""
    raise ConfigError(
        f"unknown {what} format '{name}'{suggestion}", hint=f"Known formats: {', '.join(table)}"
    )
