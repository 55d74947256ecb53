"""The transcribe stage keeping transcripts: the existing backend on the demo corpus, keep_existing."""

from __future__ import annotations

from pathlib import Path

from support.threads import single_torch_thread
from support.tiny_models import tiny_whisper_dir
from support.transcribe_runs import QUIET_GUARDS, WHISPER, run
from voxtune.corpus.manifest import read_cuts

__all__ = ["single_torch_thread"]


def test_keep_existing_transcribes_only_items_without_text(tmp_path: Path, audio_folder: Path) -> None:
    stage = {**WHISPER, "model": str(tiny_whisper_dir()), "keep_existing": True, "guards": QUIET_GUARDS}
    result, corpus = run(tmp_path, audio_folder, stage, language="en")
    assert result.items_out == 12
    for cut in corpus.cuts():
        supervision = cut.supervisions[0]
        index = int(cut.id[-1])
        if index % 2 == 0:  # these came with a sidecar transcript
            assert supervision.text == f"sentence {index} by {cut.id.split('/')[0]}"
            assert supervision.custom["text_original"] == supervision.text
            assert "language_probability" not in supervision.custom
        else:
            assert supervision.text == supervision.custom["text_original"]
            assert 0.0 <= supervision.custom["language_probability"] <= 1.0
        assert supervision.language == "en"


def test_existing_backend_keeps_the_demo_transcripts(tmp_path: Path, demo_raw: Path) -> None:
    result, corpus = run(
        tmp_path, demo_raw / "manifest.jsonl", {"stage": "transcribe", "backend": "existing"}
    )
    ingest, transcribe = result.stages
    assert transcribe.by_code == {"empty_text": 1}
    assert [r.id for r in corpus.rejections() if r.stage == "transcribe"] == ["bad_empty_text"]
    before = {
        cut.id: cut.supervisions[0]
        for cut in read_cuts(tmp_path / "corpus" / "stages" / "01_ingest" / "cuts.jsonl.gz")
    }
    assert transcribe.items_out == ingest.items_out - 1
    for cut in corpus.cuts():
        kept, original = cut.supervisions[0], before[cut.id]
        assert kept.text == original.text.strip() and kept.language == original.language
        assert kept.custom["text_original"] == original.custom["text_original"]
        assert kept.alignment == original.alignment
