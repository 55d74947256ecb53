"""Text stages on the demo corpus: validation, code-switch tags, phonemes, forced alignment."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from transformers import Wav2Vec2CTCTokenizer

from support.tiny_ctc import LETTERS, save_tiny_ctc_model
from voxtune.corpus import Corpus, fields
from voxtune.prepare import load_recipe, run_recipe
from voxtune.text.g2p import kokoro_vocab, split_phonemes
from voxtune.text.words import split_words


def prepare(tmp_path: Path, name: str, text: str) -> Corpus:
    recipe = tmp_path / f"{name}.yaml"
    recipe.write_text("report: false\nstages:\n" + text, encoding="utf-8")
    run_recipe(load_recipe(recipe), tmp_path / name)
    return Corpus.open(tmp_path / name)


@pytest.fixture(scope="module")
def tagged(demo_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    tmp = tmp_path_factory.mktemp("text")
    return prepare(
        tmp,
        "tagged",
        f"  - stage: ingest\n    path: {demo_raw / 'manifest.jsonl'}\n"
        "  - stage: validate_text\n    allow_digits: true\n"
        "  - stage: language_tags\n    mixed_with: {ms: [en]}\n"
        "  - stage: phonemise\n",
    )


def test_validation_rejects_wrong_script_and_empty_text(tagged: Corpus) -> None:
    codes = {r.id: r.code for r in tagged.rejections() if r.stage == "validate_text"}
    assert codes["bad_wrong_script"] == "wrong_script"
    assert codes["bad_empty_text"] == "empty_text"
    kept = {cut.id for cut in tagged.cuts()}
    assert {"te_m_00", "nb_f_03", "en_m_02"} <= kept


def test_manglish_tags_and_stats(tagged: Corpus) -> None:
    cut = next(c for c in tagged.cuts() if c.id == "ms_m_00")  # "Saya nak go to the mall lah."
    custom = cut.supervisions[0].custom
    assert custom[fields.WORD_LANGUAGES] == ["ms", "ms", "en", "en", "en", "en", "particle"]
    assert custom[fields.PARTICLES][:6] == [None] * 6 and custom[fields.PARTICLES][6]
    assert custom[fields.LANGUAGES] == ["ms", "en"] and custom[fields.SWITCHES] == 1
    norwegian = next(c for c in tagged.cuts() if c.id == "nb_m_00").supervisions[0].custom
    assert set(norwegian[fields.WORD_LANGUAGES]) == {"nb"} and norwegian[fields.SWITCHES] == 0


def test_phonemes_per_word_with_per_phoneme_tags(tagged: Corpus, tmp_path: Path) -> None:
    for cut in tagged.cuts():
        sup = cut.supervisions[0]
        custom = sup.custom
        words = split_words(sup.text)
        assert len(custom[fields.WORD_PHONEMES]) == len(words)
        assert custom[fields.PHONEMES] == " ".join(p for p in custom[fields.WORD_PHONEMES] if p)
        symbols = split_phonemes(custom[fields.PHONEMES])
        tags = custom["phoneme_tags"]
        assert len(tags) == len(symbols)
        spoken = [w for w in custom[fields.WORD_PHONEMES] if w]
        assert tags.count(None) == len(spoken) - 1  # the spaces between words
        assert {tag for tag in tags if tag} <= set(custom[fields.WORD_LANGUAGES])
    danish = next(c for c in tagged.cuts() if c.id == "da_m_00").supervisions[0]
    assert danish.custom[fields.WORD_PHONEMES][0] == "jɑj"  # "Jeg", as espeak-ng 1.52 says it in context
    summary = tagged.root / "stages" / "04_phonemise" / "phonemes.json"
    import json

    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["words"] > 300 and 0.9 < data["coverage"] <= 1.0 and data["inventory"]["ə"] > 10


def test_misaki_output_for_kokoro(demo_raw: Path, tmp_path: Path) -> None:
    corpus = prepare(
        tmp_path,
        "misaki",
        f"  - stage: ingest\n    path: {demo_raw / 'manifest.jsonl'}\n"
        "  - stage: validate_text\n    allow_digits: true\n"
        "  - stage: phonemise\n    output: misaki\n",
    )
    english = next(c for c in corpus.cuts() if c.id == "ms_f_03").supervisions[
        0
    ]  # "Betul ke? You serious meh?"
    vocab = kokoro_vocab()
    assert all(ch in vocab for ch in english.custom[fields.PHONEMES])


def test_forced_alignment_on_real_digits(tmp_path: Path, fsdd_dir: Path) -> None:
    rows = ["id,path,text,language"]
    words = {0: "zero", 3: "three", 7: "seven", 9: "nine"}
    for index, digits in enumerate([(3, 7, 9), (9, 0), (7, 7, 3, 0)]):
        clips = [sf.read(fsdd_dir / f"{d}_lucas_{index}.wav", dtype="float32")[0] for d in digits]
        pause = np.zeros(1200, dtype=np.float32)
        audio = np.concatenate([np.concatenate([clip, pause]) for clip in clips])
        sf.write(str(tmp_path / f"u{index}.wav"), audio, 8000)
        rows.append(f"u{index},u{index}.wav,{' '.join(words[d] for d in digits)},en")
    (tmp_path / "m.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    model = save_tiny_ctc_model(tmp_path / "ctc", LETTERS, Wav2Vec2CTCTokenizer)
    corpus = prepare(
        tmp_path,
        "aligned",
        f"  - stage: ingest\n    path: {tmp_path / 'm.csv'}\n"
        f"  - stage: align\n    model: {model}\n    star: edges\n",
    )
    cuts = list(corpus.cuts())
    assert len(cuts) == 3
    for cut in cuts:
        sup = cut.supervisions[0]
        items = sup.alignment[fields.WORD_ALIGNMENT]
        assert [item.symbol for item in items] == sup.text.split()
        ends = [0.0] + [item.end for item in items]
        for previous_end, item in zip(ends, items, strict=False):
            assert previous_end - 1e-6 <= item.start <= item.end <= cut.end + 1e-6
            assert 0.0 <= item.score <= 1.0


def test_alignment_needs_a_loadable_model(tmp_path: Path, audio_folder: Path) -> None:
    from voxtune.errors import InputError

    with pytest.raises(InputError, match="cannot load a CTC model"):
        prepare(
            tmp_path,
            "nomodel",
            f"  - stage: ingest\n    path: {audio_folder}\n"
            f"  - stage: align\n    model: {tmp_path / 'nowhere'}\n",
        )
