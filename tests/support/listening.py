"""An evaluation folder of short clips for the listening-test tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

BASE, ADAPTER, REFERENCE = "SYSBASEQ", "SYSADAPTQ", "SYSRECQ"
"""System names no page text could contain by chance, so a leak of one is easy to see."""


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    """An evaluation folder as `voxtune evaluate` writes it: samples.json and 0.3 s clips of 2 items
    by base, adapter and reference (6 MOS trials, 2 A/B trials)."""
    folder = tmp_path / "eval" / "tiny"
    items = []
    for index, item in enumerate(("digits-1", "digits-2")):
        clips = {}
        for number, system in enumerate((BASE, ADAPTER, REFERENCE)):
            relative = f"samples/test/{system}/{item}.wav"
            t = np.arange(int(0.3 * 16000)) / 16000
            tone = 0.2 * np.sin(2 * np.pi * (180 + 40 * number + 10 * index) * t)
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            sf.write(str(folder / relative), tone.astype(np.float32), 16000)
            clips[system] = relative
        items.append(
            {"set": "test", "item": item, "text": f"four two {index}", "language": "en", "clips": clips}
        )
    manifest = {"name": "tiny", "base": BASE, "reference": REFERENCE, "systems": [BASE, ADAPTER, REFERENCE]}
    (folder / "samples.json").write_text(json.dumps({**manifest, "items": items}), encoding="utf-8")
    return folder
