from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch
from lhotse.supervision import AlignmentItem
from lhotse.utils import fastcopy

from voxtune.corpus import Corpus, fields
from voxtune.demo.sentences import LANGUAGE_SENTENCES
from voxtune.errors import InputError, ItemError
from voxtune.models.base import GenerationRequest, LoadedModel
from voxtune.models.kokoro.checkpoint import kokoro_files, load_kmodel
from voxtune.models.kokoro.encoder import corpus_symbol_plan
from voxtune.models.kokoro.export import export_adapter
from voxtune.models.kokoro.family import LORA_TARGETS, KokoroFamily, unwrap
from voxtune.models.kokoro.settings import KokoroSettings
from voxtune.models.kokoro.timing import word_units
from voxtune.models.kokoro.vocabulary import KokoroVocabulary
from voxtune.models.kokoro.voicepack import load_voice_pack
from voxtune.models.registry import get_family
from voxtune.text.g2p import kokoro_vocab, misaki_text, phonemize
from voxtune.train.adapters import TrainedWeights
from voxtune.train.config import LoraSpec


@pytest.fixture(scope="module")
def family() -> KokoroFamily:
    family = get_family("kokoro")
    assert isinstance(family, KokoroFamily)
    return family


@pytest.fixture(scope="module")
def cuts(lb_corpus: Path) -> list:
    return sorted(Corpus.open(lb_corpus).cuts(), key=lambda c: c.id)


@pytest.fixture(scope="module")
def loaded(family: KokoroFamily, tiny_kokoro_dir: Path, cuts: list) -> tuple[LoadedModel, KokoroSettings]:
    settings = family.settings({"duration_source": "words", "voice_names": {"lb_m": "lb_max"}})
    loaded = family.load(tiny_kokoro_dir)
    family.prepare_for_corpus(
        loaded, settings, family.speaker_ids(settings, [c.supervisions[0].speaker for c in cuts])
    )
    return loaded, settings


def test_speaker_ids_follow_first_appearance(family: KokoroFamily) -> None:
    settings = family.settings({})
    assert family.speaker_ids(settings, ["b", "a", None, "b"]) == {"b": 0, "a": 1, "default": 2}


def test_prepare_maps_missing_symbols_and_gives_each_speaker_a_voice(loaded: tuple) -> None:
    model, _ = loaded
    core = unwrap(model.model)
    vocab = core.kokoro.vocab
    assert vocab["ʀ"] == vocab["ʁ"] and vocab["g"] == vocab["ɡ"]  # nearest-symbol aliases
    assert core.voice_bank.names == ["lb_f", "lb_m"]  # first appearance in id order
    assert set(core.voice_packs()) == {"lb_max", "lb_f"}
    start = torch.stack([model.extras["files"].voice(n) for n in ("tiny_a", "tiny_b")]).mean(dim=0)
    assert torch.allclose(core.voice_bank.tables[0].pack(), start)  # default start: the mean voice


def test_new_rows_start_as_their_nearest_symbol(family: KokoroFamily, tiny_kokoro_dir: Path) -> None:
    settings = family.settings({"new_symbols": "new_rows", "symbol_map": {"ʘ": "p"}})
    loaded = family.load(tiny_kokoro_dir)
    family.prepare_for_corpus(loaded, settings, {"anna": 0})
    core = unwrap(loaded.model)
    vocab = core.kokoro.vocab
    free = set(range(178)) - set(kokoro_vocab().values()) - {0}
    for symbol, nearest in (("ʀ", "ʁ"), ("g", "ɡ"), ("ʘ", "p")):
        assert vocab[symbol] in free
        for table in (core.kokoro.bert.embeddings.word_embeddings, core.kokoro.text_encoder.embedding):
            assert torch.equal(table.weight[vocab[symbol]], table.weight[vocab[nearest]])
    before = dict(vocab)
    family.prepare_for_corpus(loaded, settings, {"anna": 0})  # once only
    assert core.kokoro.vocab == before


def test_items_encode_with_durations_covering_their_audio(
    family: KokoroFamily, loaded: tuple, cuts: list, tmp_path: Path
) -> None:
    model, settings = loaded
    encoder = family.item_encoder(model, settings, cache_dir=tmp_path)
    geometry = unwrap(model.model).geometry
    assert len(cuts) == 16
    for cut in cuts:
        example = encoder.encode(cut)
        t = example.tensors
        frames = int(t["durations"].sum())
        assert t["input_ids"].shape == t["durations"].shape
        assert t["input_ids"][0] == 0 and t["input_ids"][-1] == 0
        assert int(t["durations"].min()) >= 1
        assert (
            abs(frames * geometry.duration_hop - cut.duration * geometry.sample_rate) <= geometry.duration_hop
        )
        assert t["audio"].shape == (frames * 600,)
        assert t["f0"].shape == t["energy"].shape == (2 * frames,)
        assert 0.2 < float((t["f0"] > 0).float().mean()) < 0.9  # speech between silences
        assert t["durations"][0] >= 8  # the 0.25 s of leading silence belongs to the first pad
        assert example.length == len(t["input_ids"]) == encoder.length(cut)
    batch = family.collate([encoder.encode(c) for c in cuts[:3]])
    lengths = batch.tensors["input_lengths"]
    assert batch.tensors["input_ids"].shape == (3, int(lengths.max()))
    assert batch.positions == int(lengths.sum())


def with_phoneme_alignment(cut, drop: int = 0):
    """The cut with phoneme timings spread over each word's span (what the align stage would write)."""
    sup = cut.supervisions[0]
    items = []
    for word, ipa in zip(sup.alignment[fields.WORD_ALIGNMENT], sup.custom[fields.WORD_PHONEMES], strict=True):
        count = word_units(ipa)
        step = word.duration / count
        items += [AlignmentItem("x", word.start + i * step, step) for i in range(count)]
    alignment = {**sup.alignment, fields.PHONEME_ALIGNMENT: items[: len(items) - drop]}
    return fastcopy(cut, supervisions=[fastcopy(sup, alignment=alignment)])


def test_phoneme_timings_and_bad_items(
    family: KokoroFamily, loaded: tuple, cuts: list, tmp_path: Path
) -> None:
    model, settings = loaded
    phonemes = family.item_encoder(
        model, settings.model_copy(update={"duration_source": "phonemes"}), cache_dir=tmp_path
    )
    example = phonemes.encode(with_phoneme_alignment(cuts[0]))
    assert int(example.tensors["durations"].sum()) * 600 == example.tensors["audio"].shape[0]
    with pytest.raises(ItemError) as caught:
        phonemes.encode(cuts[1])
    assert caught.value.code == "missing_alignment"
    with pytest.raises(ItemError) as caught:
        phonemes.encode(with_phoneme_alignment(cuts[2], drop=1))
    assert caught.value.code == "alignment_mismatch"
    sup = cuts[3].supervisions[0]
    odd = fastcopy(
        cuts[3],
        id="odd",
        supervisions=[
            fastcopy(
                sup,
                custom={**sup.custom, fields.WORD_PHONEMES: ["ʘa"] * len(sup.custom[fields.WORD_PHONEMES])},
            )
        ],
    )
    words = family.item_encoder(model, settings, cache_dir=tmp_path)
    with pytest.raises(ItemError) as caught:
        words.encode(odd)
    assert caught.value.code == "unknown_phonemes"


def test_generation_speaks_with_trained_and_stock_voices(family: KokoroFamily, loaded: tuple) -> None:
    model, settings = loaded
    requests = [
        GenerationRequest(text="Moien, wéi?", speaker="lb_max", language="lb"),
        GenerationRequest(text="Jo.", speaker="tiny_b", language="lb"),
    ]
    first, second = family.generate(model, requests, settings, seed=1)
    assert first.sample_rate == 24_000 and first.stopped == "end_of_text"
    assert first.audio.ndim == 1 and len(first.audio) % 600 == 0 and np.isfinite(first.audio).all()
    assert 0 < len(second.audio) < len(first.audio)
    assert np.allclose(
        family.generate(model, requests[1:], settings, seed=1)[0].audio, second.audio
    )  # seeded
    capped = family.generate(model, requests[:1], settings.model_copy(update={"max_seconds": 0.25}))[0]
    assert capped.stopped == "length_limit" and len(capped.audio) < len(first.audio)
    with pytest.raises(InputError):
        family.generate(model, [GenerationRequest(text="Moien", speaker="nobody", language="lb")], settings)


def test_corpus_symbol_plan_counts_what_kokoro_lacks(loaded: tuple, cuts: list) -> None:
    model, settings = loaded
    base = KokoroVocabulary.from_config(model.extras["files"].read_config())
    plan = corpus_symbol_plan(cuts, base, settings)
    expected = Counter("".join(misaki_text(phonemize(s, "lb")) for s in LANGUAGE_SENTENCES["lb"]))
    assert set(plan.mapped) == {"g", "ʀ"}
    rows = {row[0]: row for row in plan.rows()}
    assert rows["ʀ"][1:3] == ("-> ʁ", 2 * expected["ʀ"])  # two speakers say every sentence
    assert rows["g"][2] == 2 * expected["g"]


def test_full_fine_tune_saves_a_kokoro_folder_the_trainer_reloads(
    family: KokoroFamily, loaded: tuple, cuts: list, tiny_kokoro_dir: Path, tmp_path: Path
) -> None:
    model, settings = loaded
    core = unwrap(model.model)
    with torch.no_grad():
        core.voice_bank.tables[1].anchors.weight.add_(0.5)
        core.kokoro.bert_encoder.bias.add_(0.25)
    try:
        folder = tmp_path / "full"
        TrainedWeights(model, "full", LoraSpec(), LORA_TARGETS).save("main", folder, {"family": "kokoro"})
        assert (folder / "kokoro_symbols.json").is_file()
        assert torch.equal(load_voice_pack(folder / "voices" / "lb_max.pt"), core.voice_bank.tables[1].pack())

        fresh = family.load(tiny_kokoro_dir)
        family.prepare_for_corpus(
            fresh, settings, family.speaker_ids(settings, [c.supervisions[0].speaker for c in cuts])
        )
        TrainedWeights(fresh, "full", LoraSpec(), LORA_TARGETS).load("main", folder)  # what --resume does
        again = unwrap(fresh.model)
        assert torch.equal(again.kokoro.bert_encoder.bias, core.kokoro.bert_encoder.bias)
        assert torch.equal(again.voice_bank.tables[1].pack(), core.voice_bank.tables[1].pack())
        exported = export_adapter(folder, tmp_path / "export")
        assert not (exported / "model.safetensors").exists()
        reloaded = load_kmodel(kokoro_files(exported))
        assert torch.equal(reloaded.bert_encoder.bias, core.kokoro.bert_encoder.bias)
    finally:  # the module's shared model goes back to how it was
        with torch.no_grad():
            core.voice_bank.tables[1].anchors.weight.sub_(0.5)
            core.kokoro.bert_encoder.bias.sub_(0.25)


def test_adversarial_loss_trains_discriminators_outside_the_model(
    family: KokoroFamily, loaded: tuple, cuts: list, tmp_path: Path
) -> None:
    model, settings = loaded
    settings = settings.model_copy(update={"adversarial": True, "decoder_window": 4})
    core = unwrap(model.model)
    batch = family.collate([family.item_encoder(model, settings, cache_dir=tmp_path).encode(cuts[0])])
    try:
        out = family.loss(model.model, batch, settings)
        assert {"discriminator", "adversarial", "feature_matching"} <= set(out.parts)
        assert all(torch.isfinite(v) for v in out.parts.values())
        discriminators = list(core.adversary.discriminators.parameters())
        assert not {id(p) for p in discriminators} & {id(p) for p in core.parameters()}
        evaluated = family.loss(model.model, batch, settings, training=False)
        assert "discriminator" not in evaluated.parts  # no discriminator step when evaluating
    finally:
        core.adversary = None
        core.zero_grad(set_to_none=True)
