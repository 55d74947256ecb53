"""Synthetic corpora: several voices, varied delivery, a ledger of refused texts, reproducible and
resumable, and accepted by `voxtune prepare` with every item marked synthetic."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import soundfile as sf

from voxtune.config import validate
from voxtune.corpus import Corpus, fields
from voxtune.corpus.ledger import read_ledger
from voxtune.corpus.manifest import read_json, read_jsonl
from voxtune.errors import ConfigError
from voxtune.prepare import load_recipe, run_recipe
from voxtune.prompts import load_prompts
from voxtune.synth.corpus import SynthesisSettings, synthesize_corpus

LINES = [
    "Ordrenummeret er 4417093.",
    "Hei, hvordan går det?",
    "Det koster 25 kroner.",
    "Vi ses i morgen!",
    "Kan du ringe meg på 412 34 567?",
    "50 % rabatt",
    "Barna leker ute i hagen.",
]
GOOD = [1, 2, 4, 5, 7]  # line numbers the stand-in reader accepts


def texts(tmp_path: Path) -> Path:
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(
            sf.read(str(path), dtype="int16")[0].tobytes()
        ).hexdigest()
        for path in sorted(folder.rglob("*.wav"))
    }


def synthesize(folder: Path, lines: Path, **settings: object):
    loaded = load_prompts(lines, "nb")
    values = {"language": "nb", "speakers": 3, "per_line": 2, "chunk_size": 2, **settings}
    return synthesize_corpus(
        loaded.prompts, folder, SynthesisSettings(**values), rejected=loaded.rejected, workers=2
    )


@pytest.mark.slow
@pytest.mark.usefixtures("stand_in_reader")
def test_multi_voice_corpus_that_prepare_accepts(tmp_path: Path) -> None:
    folder = tmp_path / "synthetic"
    result = synthesize(folder, texts(tmp_path))
    assert result.items == len(GOOD) * 2 and len(result.speakers) == 3
    rows = list(read_jsonl(folder / "manifest.jsonl"))
    speakers_of: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        speakers_of[row["prompt_id"]].add(row["speaker"])
        assert row[fields.SYNTHETIC] is True
        info = sf.info(str(folder / row["path"]))
        assert (info.samplerate, info.channels) == (22050, 1)
        assert 0.25 <= row["words"][0][1] < row["words"][-1][2] <= info.duration - 0.2
        assert 0.92 <= row["synthesis"]["speed"] <= 1.08 and abs(row["synthesis"]["pitch_semitones"]) <= 1.0
    assert sorted(speakers_of) == [f"line{n:05d}" for n in GOOD]
    assert all(len(voices) == 2 for voices in speakers_of.values())  # two different voices per text
    per_speaker = Counter(row["speaker"] for row in rows)
    assert (
        per_speaker.keys() == set(result.speakers)
        and max(per_speaker.values()) - min(per_speaker.values()) <= 1
    )
    spelled = next(row for row in rows if row["prompt_id"] == "line00001")
    assert spelled["text"] == "Ordrenummeret er fire fire en sju null ni tre."
    assert spelled["text_original"] == "Ordrenummeret er 4417093."

    refused = {r.id: r for r in read_ledger(folder / "rejected.jsonl")}
    assert sorted(refused) == ["line00003", "line00006"]
    assert refused["line00003"].code == "unsupported_number_format" and "'25'" in refused["line00003"].reason
    summary = read_json(folder / "synthesis.json")
    assert summary["items"] == 10 and summary["rejected"] == 2 and summary["source"]["engine"] == "espeak-ng"

    run_recipe(load_recipe(folder / "recipe.yaml"), tmp_path / "corpus")
    corpus = Corpus.open(tmp_path / "corpus")
    cuts = list(corpus.cuts())
    assert len(cuts) == 10 and all(cut.custom[fields.SYNTHETIC] is True for cut in cuts)
    assert {tuple(cut.custom[fields.STAGES]) for cut in cuts} == {("ingest", "normalise")}
    assert corpus.stats().speaker_seconds.keys() == set(result.speakers)
    cut = next(c for c in cuts if c.supervisions[0].custom["prompt_id"] == "line00001")
    supervision = cut.supervisions[0]
    assert supervision.text == spelled["text"]
    assert supervision.custom[fields.TEXT_ORIGINAL] == "Ordrenummeret er 4417093."
    assert fields.SYNTHETIC not in supervision.custom  # the flag lives on the cut
    assert [item.symbol for item in supervision.alignment[fields.WORD_ALIGNMENT]][:2] == [
        "Ordrenummeret",
        "er",
    ]


@pytest.mark.slow
@pytest.mark.usefixtures("stand_in_reader")
def test_reproducible_resumable_and_redone_when_settings_change(tmp_path: Path) -> None:
    lines = texts(tmp_path)
    first = synthesize(tmp_path / "a", lines, sample_rate=24000)
    audio = digest(tmp_path / "a")
    assert len(audio) == 10 and {sf.info(str(tmp_path / "a" / p)).samplerate for p in audio} == {24000}

    again = synthesize(tmp_path / "b", lines, sample_rate=24000)  # fresh processes, same samples
    assert digest(tmp_path / "b") == audio and again.seconds == pytest.approx(first.seconds)

    parts = sorted((tmp_path / "a" / ".parts").glob("*.jsonl"))
    parts[0].unlink()  # as if the run had stopped before that job finished
    resumed = synthesize(tmp_path / "a", lines, sample_rate=24000)
    assert resumed.jobs_reused == len(parts) - 1
    assert digest(tmp_path / "a") == audio
    assert list(read_jsonl(tmp_path / "a" / "manifest.jsonl")) == list(
        read_jsonl(tmp_path / "b" / "manifest.jsonl")
    )

    reseeded = synthesize(tmp_path / "a", lines, sample_rate=24000, seed=1)
    assert reseeded.jobs_reused == 0 and digest(tmp_path / "a") != audio


def test_settings_are_checked_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="per_line"):
        validate(SynthesisSettings, {"language": "nb", "speakers": 2, "per_line": 3}, where="synthesize")
    with pytest.raises(ConfigError, match="speed_jitter"):
        validate(SynthesisSettings, {"language": "nb", "speed_jitter": 0.9}, where="synthesize")
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "manifest.jsonl").write_text("{}\n", encoding="utf-8")
    loaded = load_prompts(texts(tmp_path), "nb")
    with pytest.raises(Exception, match="did not make"):
        synthesize_corpus(
            loaded.prompts[:1], tmp_path / "taken", SynthesisSettings(language="nb", speakers=1)
        )
