"""The one corpus model: lhotse cuts (recordings + supervisions + custom fields) in lazy JSONL manifests.

Names are imported on first use, so light modules (the ledger, field names) do not pull in lhotse.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Corpus": "voxtune.corpus.folder",
    "Rejection": "voxtune.corpus.ledger",
    "read_cuts": "voxtune.corpus.manifest",
    "write_cuts": "voxtune.corpus.manifest",
    "CorpusStats": "voxtune.corpus.stats",
    "compute_stats": "voxtune.corpus.stats",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'voxtune.corpus' has no attribute {name!r}")
