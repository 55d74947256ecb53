"""moshi export and import: the moshi-finetune contract, channel layout, conversations, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import resample_poly

from support.corpora import WORDS, conversation_recording, fsdd_cut, fsdd_cuts, stereo_cut, write_corpus
from voxtune.corpus import Corpus, fields
from voxtune.errors import ConfigError, InputError
from voxtune.formats import check_moshi_export, export_corpus, import_corpus

FRAME = 1 / 24000


def read_index(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "data.jsonl").read_text().splitlines()]


def sidecar(folder: Path, name: str) -> dict:
    return json.loads((folder / "audio" / f"{name}.json").read_text(encoding="utf-8"))


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))


def test_stt_export_meets_the_contract_and_round_trips(tmp_path: Path, fsdd_dir: Path) -> None:
    cuts = fsdd_cuts(fsdd_dir)
    corpus = write_corpus(tmp_path / "corpus", cuts)
    out = tmp_path / "moshi"
    result = export_corpus(corpus, "moshi", out, options={"mode": "stt"})
    assert (result.items, result.files, result.rejected) == (6, 6, 0)
    assert check_moshi_export(out, channels=1) == []
    index = read_index(out)
    assert [entry["path"] for entry in index] == [f"audio/{cut.id}.wav" for cut in cuts]
    for entry, cut in zip(index, cuts, strict=True):
        info = sf.info(str(out / entry["path"]))
        assert (info.samplerate, info.channels) == (24000, 1)
        assert entry["duration"] == info.frames / 24000
        assert abs(entry["duration"] - cut.duration) <= FRAME
        [word] = cut.supervisions[0].alignment["word"]
        assert sidecar(out, cut.id)["alignments"] == [
            [
                word.symbol,
                [pytest.approx(word.start, abs=1e-4), pytest.approx(word.end, abs=1e-4)],
                "SPEAKER_MAIN",
            ]
        ]

    import_corpus("moshi", out, tmp_path / "back")
    back = {cut.id: cut for cut in Corpus.open(tmp_path / "back").cuts()}
    assert sorted(back) == sorted(cut.id for cut in cuts)
    for cut in cuts:
        again = back[cut.id]
        sup, original = again.supervisions[0], cut.supervisions[0]
        assert (sup.text, sup.speaker, sup.language) == (original.text, original.speaker, original.language)
        assert sup.custom[fields.TEXT_ORIGINAL] == original.custom[fields.TEXT_ORIGINAL]
        assert abs(again.duration - cut.duration) <= FRAME
        assert again.custom[fields.SPLIT] == cut.custom[fields.SPLIT]
        [word], [before] = sup.alignment["word"], original.alignment["word"]
        assert (word.symbol, word.start, word.end) == pytest.approx(
            (before.symbol, before.start, before.end), abs=1e-4
        )


def test_a_conversation_becomes_one_stereo_file_with_the_model_on_the_left(
    tmp_path: Path, fsdd_dir: Path
) -> None:
    turns = [("george", 1), ("jackson", 2), ("george", 3), ("jackson", 4)]
    cuts, samples = conversation_recording(fsdd_dir, tmp_path / "raw", turns)
    single = fsdd_cut(fsdd_dir, 5, "george", 7)
    corpus = write_corpus(tmp_path / "corpus", [*cuts, single])
    out = tmp_path / "moshi"
    result = export_corpus(corpus, "moshi", out, options={"model_speaker": "george"})
    assert (result.items, result.files, result.details["conversations"]) == (5, 2, 1)
    assert check_moshi_export(out, channels=2) == []
    assert [entry["path"] for entry in read_index(out)] == ["audio/talk1.wav", f"audio/{single.id}.wav"]

    stereo, rate = sf.read(str(out / "audio" / "talk1.wav"), dtype="float32")
    assert rate == 24000 and stereo.shape[1] == 2
    first = cuts[0].start
    reference = resample_poly(samples, 3, 1)[round(first * 24000) :]
    for cut, (speaker, _) in zip(cuts, turns, strict=True):
        window = slice(round((cut.start - first) * 24000), round((cut.end - first) * 24000))
        mine, other = (0, 1) if speaker == "george" else (1, 0)
        assert similarity(stereo[window, mine], reference[window]) > 0.99
        assert np.abs(stereo[window, other]).max() < 1e-3

    words = sidecar(out, "talk1")["alignments"]
    expected = [
        [WORDS[digit], [cut.supervisions[0].alignment["word"][0].start - first, None], label]
        for cut, (speaker, digit) in zip(cuts, turns, strict=True)
        for label in ["SPEAKER_MAIN" if speaker == "george" else "SPEAKER_USER"]
    ]
    assert [(w[0], w[2]) for w in words] == [(e[0], e[2]) for e in expected]
    assert [w[1][0] for w in words] == pytest.approx([e[1][0] for e in expected], abs=1e-4)

    import_corpus("moshi", out, tmp_path / "back")
    back = {cut.id: cut for cut in Corpus.open(tmp_path / "back").cuts()}
    assert sorted(back) == sorted([*(cut.id for cut in cuts), single.id])
    for cut, (speaker, digit) in zip(cuts, turns, strict=True):
        again = back[cut.id]
        assert again.custom[fields.CONVERSATION] == "talk1"
        assert (again.supervisions[0].speaker, again.supervisions[0].text) == (speaker, WORDS[digit])
        assert abs(again.duration - cut.duration) <= FRAME
        assert again.channel == (0 if speaker == "george" else 1)
        original = resample_poly(cut.load_audio()[0], 3, 1)
        assert similarity(again.load_audio()[0], original) > 0.99


def test_a_user_turn_without_words_keeps_its_audio(tmp_path: Path, fsdd_dir: Path) -> None:
    cuts, samples = conversation_recording(fsdd_dir, tmp_path / "raw", [("george", 1), ("jackson", 2)])
    cuts[1].supervisions[0].alignment = None  # moshi-finetune does not train on the user's words
    out = tmp_path / "moshi"
    result = export_corpus(
        write_corpus(tmp_path / "c", cuts), "moshi", out, options={"model_speaker": "george"}
    )
    assert (result.items, result.rejected) == (2, 0)
    assert check_moshi_export(out, channels=2) == []
    assert [w[0] for w in sidecar(out, "talk1")["alignments"]] == ["one"]
    stereo, _ = sf.read(str(out / "audio" / "talk1.wav"), dtype="float32")
    user = cuts[1]
    window = slice(round((user.start - cuts[0].start) * 24000), round((user.end - cuts[0].start) * 24000))
    reference = resample_poly(samples, 3, 1)[round(cuts[0].start * 24000) :]
    assert similarity(stereo[window, 1], reference[window]) > 0.99


def test_turns_from_separate_recordings_are_laid_end_to_end(tmp_path: Path, fsdd_dir: Path) -> None:
    cuts = [fsdd_cut(fsdd_dir, d, s, 0) for d, s in ((1, "george"), (2, "lucas"), (3, "george"))]
    for cut in cuts:
        cut.custom[fields.CONVERSATION] = "chat"
    out = tmp_path / "moshi"
    export_corpus(
        write_corpus(tmp_path / "c", cuts), "moshi", out, options={"model_speaker": "george", "turn_gap": 0.5}
    )
    assert check_moshi_export(out, channels=2) == []
    [entry] = read_index(out)
    lengths = [round(cut.duration * 24000) / 24000 for cut in cuts]
    offsets = [0.0, lengths[0] + 0.5, lengths[0] + lengths[1] + 1.0]
    assert entry["duration"] == pytest.approx(offsets[-1] + lengths[-1], abs=2 * FRAME)
    starts = [w[1][0] for w in sidecar(out, "chat")["alignments"]]
    wanted = [
        off + cut.supervisions[0].alignment["word"][0].start for off, cut in zip(offsets, cuts, strict=True)
    ]
    assert starts == pytest.approx(wanted, abs=2 * FRAME)
    assert [w[2] for w in sidecar(out, "chat")["alignments"]] == [
        "SPEAKER_MAIN",
        "SPEAKER_USER",
        "SPEAKER_MAIN",
    ]


@pytest.mark.parametrize(
    ("roles", "options", "model"),
    [({"model": 1, "user": 0}, {}, "jackson"), (None, {"model_speaker": "george"}, "george")],
)
def test_a_two_channel_cut_keeps_its_channels_by_role(
    tmp_path: Path, fsdd_dir: Path, roles: dict | None, options: dict, model: str
) -> None:
    cut, samples = stereo_cut(tmp_path / "raw", fsdd_dir, roles)
    out = tmp_path / "moshi"
    export_corpus(write_corpus(tmp_path / "c", [cut]), "moshi", out, options=options)
    assert check_moshi_export(out, channels=2) == []
    stereo, _ = sf.read(str(out / "audio" / "call.wav"), dtype="float32")
    model_channel = 0 if model == "george" else 1
    assert similarity(stereo[:, 0], resample_poly(samples[model_channel], 3, 1)) > 0.99
    assert similarity(stereo[:, 1], resample_poly(samples[1 - model_channel], 3, 1)) > 0.99
    labels = {w[0]: w[2] for w in sidecar(out, "call")["alignments"]}
    assert labels == {
        "three": "SPEAKER_MAIN" if model == "george" else "SPEAKER_USER",
        "eight": "SPEAKER_MAIN" if model == "jackson" else "SPEAKER_USER",
    }


def test_settings_that_cannot_work_are_refused_before_writing(tmp_path: Path, fsdd_dir: Path) -> None:
    corpus = write_corpus(tmp_path / "c", fsdd_cuts(fsdd_dir))
    out = tmp_path / "moshi"
    with pytest.raises(ConfigError, match=r"model_speaker names no speaker.*nobody") as info:
        export_corpus(corpus, "moshi", out, options={"model_speaker": ["george", "nobody"]})
    assert "george, jackson" in str(info.value)
    with pytest.raises(ConfigError, match="which speaker is the model"):
        export_corpus(corpus, "moshi", out)
    with pytest.raises(ConfigError, match="did you mean 'model_speaker'"):
        export_corpus(corpus, "moshi", out, options={"model_speakers": "george"})
    assert not out.exists()
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        export_corpus(corpus, "moshi", out, options={"mode": "stt"})
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert not list(tmp_path.glob(".moshi.partial-*"))


def test_items_the_format_cannot_take_go_to_the_ledger(tmp_path: Path, fsdd_dir: Path) -> None:
    unaligned = fsdd_cut(fsdd_dir, 4, "george", 2, words=False)
    talk = [fsdd_cut(fsdd_dir, d, "jackson", 3) for d in (5, 6)]
    for cut in talk:
        cut.custom[fields.CONVERSATION] = "jackson-alone"
    good = fsdd_cut(fsdd_dir, 7, "george", 3)
    pool = (fsdd_cut(fsdd_dir, d, s, 0) for d in range(10) for s in ("nicolas", "lucas"))
    long = max(pool, key=lambda cut: cut.duration)
    others = max(cut.duration for cut in [unaligned, *talk, good])
    assert long.duration > others
    corpus = write_corpus(tmp_path / "c", [unaligned, *talk, good, long])
    out = tmp_path / "moshi"
    limit = (long.duration + others) / 2
    result = export_corpus(corpus, "moshi", out, options={"model_speaker": "george", "max_seconds": limit})
    codes = {r.id: r.code for r in result.rejections}
    assert codes == {
        unaligned.id: "no_alignment",
        talk[0].id: "no_model_speaker",
        talk[1].id: "no_model_speaker",
        long.id: "too_long",
    }
    assert all(r.stage == "export:moshi" for r in result.rejections)
    assert [e["path"] for e in read_index(out)] == [f"audio/{good.id}.wav"]
    summary = json.loads((out / "voxtune_export.json").read_text())
    assert summary["rejected_by_code"] == {"no_alignment": 1, "no_model_speaker": 2, "too_long": 1}


def write_moshi_file(folder: Path, name: str, seconds: float, rate: int = 24000, channels: int = 2) -> Path:
    path = folder / f"{name}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.zeros((int(seconds * rate), channels), dtype=np.float32), rate)
    return path


def test_the_contract_checker_finds_each_kind_of_problem(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    good = write_moshi_file(folder, "good", 2.0)
    good.with_suffix(".json").write_text(
        json.dumps({"alignments": [["hi", [0.1, 0.4], "SPEAKER_MAIN"], ["yo", [0.5, 0.9], "SPEAKER_USER"]]})
    )
    lines = ['{"path": "good.wav", "duration": 2.0}']
    assert (folder / "data.jsonl").write_text("\n".join(lines) + "\n") and check_moshi_export(folder, 2) == []

    slow = write_moshi_file(folder, "slow", 1.0, rate=44100)
    slow.with_suffix(".json").write_text(json.dumps({"alignments": [["a", [0.1, 0.2], "SPEAKER_MAIN"]]}))
    mono = write_moshi_file(folder, "mono", 1.0, channels=1)
    mono.with_suffix(".json").write_text(
        json.dumps({"alignments": [["b", [0.5, 0.6], "SPEAKER_MAIN"], ["a", [0.1, 0.2], "SPEAKER_MAIN"]]})
    )
    late = write_moshi_file(folder, "late", 1.0)
    late.with_suffix(".json").write_text(
        json.dumps({"alignments": [["a", [0.5, 1.5], "SPEAKER_MAIN"]], "text_conditions": {"x": 1}})
    )
    nobody = write_moshi_file(folder, "nobody", 1.0)
    nobody.with_suffix(".json").write_text(json.dumps({"alignments": [["a", [0.1, 0.2], "SPEAKER_USER"]]}))
    write_moshi_file(folder, "bare", 1.0)
    lines += [
        '{"path": "slow.wav", "duration": 1.0}',
        '{"path": "mono.wav", "duration": 1.0}',
        '{"path": "late.wav", "duration": 0.9}',
        '{"path": "nobody.wav", "duration": 1.0}',
        '{"path": "bare.wav", "duration": 1.0}',
        "",
        '{"path": "gone.wav", "duration": 1.0}',
    ]
    (folder / "data.jsonl").write_text("\n".join(lines) + "\n")
    problems = [str(p) for p in check_moshi_export(folder, channels=2)]

    def has(file: str, text: str) -> bool:
        return any(p.startswith(file) and text in p for p in problems)

    assert has("slow.wav", "44100 Hz, not 24000")
    assert has("mono.wav", "1 channel(s), expected stereo")
    assert has("mono.wav", "out of order")
    assert has("late.wav", "index says 0.900000 s but the file lasts 1.000000 s")
    assert has("late.wav", "outside the file")
    assert has("late.wav", "text_conditions must map names to strings")
    assert has("nobody.wav", "no SPEAKER_MAIN words")
    assert has("bare.wav", "no alignment file bare.json")
    assert has("data.jsonl line 7", "blank lines are not allowed")
    assert has("gone.wav", "audio file not found")
    assert not any(p.startswith("good.wav") for p in problems)


def test_import_of_a_folder_without_voxtune_metadata_gives_turns(tmp_path: Path) -> None:
    folder = tmp_path / "dailytalk"
    path = write_moshi_file(folder / "data_stereo", "a", 3.0)
    words = [
        ["Hello", [0.2, 0.5], "SPEAKER_MAIN"],
        ["there.", [0.5, 0.9], "SPEAKER_MAIN"],
        ["Hi", [1.2, 1.4], "SPEAKER_USER"],
        ["Bye.", [2.0, 2.4], "SPEAKER_MAIN"],
    ]
    path.with_suffix(".json").write_text(json.dumps({"alignments": words}))
    (folder / "train.jsonl").write_text('{"path": "data_stereo/a.wav", "duration": 3.0}\n')
    import_corpus("moshi", folder / "train.jsonl", tmp_path / "corpus", language="en")
    [cut] = list(Corpus.open(tmp_path / "corpus").cuts())
    assert cut.id == "data_stereo/a" and cut.num_channels == 2
    assert cut.custom[fields.CHANNEL_ROLES] == {"model": 0, "user": 1}
    turns = [(s.text, s.speaker, s.channel, s.start, round(s.end, 3), s.language) for s in cut.supervisions]
    assert turns == [
        ("Hello there.", "SPEAKER_MAIN", 0, 0.2, 0.9, "en"),
        ("Hi", "SPEAKER_USER", 1, 1.2, 1.4, "en"),
        ("Bye.", "SPEAKER_MAIN", 0, 2.0, 2.4, "en"),
    ]


def test_import_puts_unusable_files_in_the_ledger(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    write_moshi_file(folder, "ok", 1.0).with_suffix(".json").write_text('{"alignments": []}')
    write_moshi_file(folder, "nojson", 1.0)
    write_moshi_file(folder, "broken", 1.0).with_suffix(".json").write_text('{"alignments": [["a", 1]]}')
    (folder / "data.jsonl").write_text(
        "".join(f'{{"path": "{n}.wav", "duration": 1.0}}\n' for n in ("ok", "nojson", "broken", "missing"))
    )
    import_corpus("moshi", folder, tmp_path / "corpus")
    corpus = Corpus.open(tmp_path / "corpus")
    assert [cut.id for cut in corpus.cuts()] == ["ok"]
    assert {r.id: r.code for r in corpus.rejections()} == {
        "nojson": "missing_alignments",
        "broken": "bad_alignments",
        "missing": "missing_file",
    }
