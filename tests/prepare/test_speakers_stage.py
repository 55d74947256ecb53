"""The speakers stage on real voices: clusters per file, linked into one id per person across files."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import soundfile as sf

from voxtune.corpus import Corpus
from voxtune.prepare import load_recipe, run_recipe
from voxtune.speakers import cluster_scores

SEGMENT = 2.0
FILES = {
    "f0": ["george", "george", "jackson", "jackson"],
    "f1": ["lucas", "nicolas", "lucas", "nicolas"],
    "f2": ["george", "lucas", "george", "lucas"],
    "f3": ["jackson", "jackson", "jackson", "jackson"],
    "f4": ["nicolas", "george", "nicolas", "george"],
}


def speaker_segment(fsdd: Path, speaker: str, start: int) -> np.ndarray:
    """Exactly SEGMENT seconds of one speaker saying digits (8 kHz)."""
    pieces, total, digit = [], 0, start
    while total < SEGMENT * 8000:
        clip, _ = sf.read(fsdd / f"{digit % 10}_{speaker}_{digit // 10}.wav", dtype="float32")
        pieces.append(clip)
        total += len(clip)
        digit += 1
    return np.concatenate(pieces)[: int(SEGMENT * 8000)]


def test_speakers_are_recovered_and_linked_across_files(tmp_path: Path, fsdd_dir: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for number, (name, speakers) in enumerate(FILES.items()):
        audio = [speaker_segment(fsdd_dir, speaker, 7 * number + 3 * i) for i, speaker in enumerate(speakers)]
        sf.write(str(raw / f"{name}.wav"), np.concatenate(audio), 8000)
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"report: false\nstages:\n  - stage: ingest\n    path: {raw}\n"
        "  - stage: test_fan_out\n    pieces: 4\n  - stage: speakers\n",
        encoding="utf-8",
    )
    result = run_recipe(load_recipe(recipe), tmp_path / "corpus")
    assert result.stages[-1].items_out == 20 and result.stages[-1].rejected == 0
    predicted, truth = [], []
    ids_per_file: dict[str, set[str]] = defaultdict(set)
    for cut in Corpus.open(tmp_path / "corpus").cuts():
        file_id, piece = cut.id.rsplit("-", 1)
        predicted.append(cut.supervisions[0].speaker)
        truth.append(FILES[file_id][int(piece)])
        ids_per_file[file_id].add(cut.supervisions[0].speaker)
        assert cut.load_custom("speaker_embedding").shape == (256,)
    scores = cluster_scores(predicted, truth)
    print(f"speakers stage on FSDD: purity {scores.purity:.3f}, inverse purity {scores.inverse_purity:.3f}")
    assert scores.purity >= 0.95 and scores.inverse_purity >= 0.95
    assert len(set(predicted)) == 4
    assert len(ids_per_file["f3"]) == 1
    george = Counter(p for p, t in zip(predicted, truth, strict=True) if t == "george").most_common(1)[0][0]
    assert all(george in ids_per_file[f] for f in ("f0", "f2", "f4"))
    summary = (tmp_path / "corpus" / "stages" / "03_speakers" / "speakers.json").read_text(encoding="utf-8")
    assert '"speakers": 4' in summary
