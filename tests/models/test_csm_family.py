"""The CSM family: loading by path like a hub id, LoRA targets, training sequences, a loss that agrees
with transformers' own, and generation with end-of-audio handling."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from lhotse.supervision import AlignmentItem
from peft import LoraConfig, get_peft_model
from transformers import AutoProcessor

from voxtune.errors import ConfigError, InputError, ItemError
from voxtune.models.base import GenerationRequest
from voxtune.models.csm import sequence
from voxtune.models.csm.generate import FrameBudget, cut_at_end_of_audio, trim_trailing_silence
from voxtune.models.csm.prompt import assign_speaker_ids, turn_text
from voxtune.models.registry import detect_family, get_family
from voxtune.sources.items import cut_from_file
from voxtune.train.adapters import TrainedWeights
from voxtune.train.config import LoraSpec

FAMILY = get_family("csm")


@pytest.fixture(scope="module")
def loaded(tiny_csm: Path):
    return FAMILY.load(tiny_csm)


@pytest.fixture
def digit_cut(fsdd_dir: Path):
    return cut_from_file(fsdd_dir / "3_lucas_4.wav", "three", text="three", speaker="lucas", language="en")


def test_a_model_folder_loads_through_the_hub_code_path(tiny_csm: Path, loaded) -> None:
    assert detect_family(tiny_csm).name == "csm"
    assert loaded.source.local_path == tiny_csm.absolute() and loaded.source.content_hash
    assert loaded.sample_rate == 24000 and loaded.extras["frame_rate"] == 12.5
    assert loaded.tokenizer.bos_token == "<|begin_of_text|>"
    assert not any(p.requires_grad for p in loaded.codec.parameters())
    assert type(AutoProcessor.from_pretrained(tiny_csm)).__name__ == "CsmProcessor"


def test_missing_folder_and_wrong_family_are_clear_errors(tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(InputError, match="model folder not found"):
        FAMILY.load(tmp_path / "nope")
    whisper = tmp_path / "whisper"
    whisper.mkdir()
    (whisper / "config.json").write_text(json.dumps({"model_type": "whisper"}), encoding="utf-8")
    with pytest.raises(InputError, match=r"'whisper' model, not a csm model"):
        FAMILY.load(whisper)
    with pytest.raises(InputError, match="no voxtune family"):
        detect_family(whisper)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no config\.json"):
        FAMILY.load(tmp_path / "empty")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputError, match="neither a local folder nor available"):
        FAMILY.load("voxtune-tests/no-such-model")


def test_default_lora_targets_hit_backbone_and_depth_decoder_but_not_the_codec(tiny_csm: Path) -> None:
    model = FAMILY.load(tiny_csm).model
    peft_model = get_peft_model(model, LoraConfig(r=2, target_modules=FAMILY.default_lora_targets(None)))
    adapted = [n.removesuffix(".lora_A") for n, _ in peft_model.named_modules() if n.endswith(".lora_A")]
    assert not [n for n in adapted if ".codec_model." in n]
    for part in ("backbone_model", "depth_decoder.model"):
        kinds = {n.rsplit(".", 1)[-1] for n in adapted if f".{part}.layers." in n}
        assert kinds == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}, part


def test_a_bare_q_proj_target_would_reach_the_codec_and_is_refused(tiny_csm: Path) -> None:
    loaded = FAMILY.load(tiny_csm)
    weights = TrainedWeights(loaded, "lora", LoraSpec(r=2), ["q_proj"])
    with pytest.raises(ConfigError, match="codec"):
        weights.ensure("main")


def test_prompt_text_and_speaker_ids() -> None:
    assert turn_text(" Det regner. ", 2, "no", language_tag=True) == "[2]<lang:nb> Det regner."
    assert turn_text("hei", 0, "nb") == "[0]hei"
    assert assign_speaker_ids(["b", "a", None, "c"], {"c": 4}) == {"c": 4, "a": 5, "b": 6}


def test_sequence_interleaves_turns_and_scores_only_the_item() -> None:
    context = sequence.Turn([0, 5, 1], np.full((2, 3), 7), scored=False)
    own = sequence.Turn(
        [0, 6, 6, 1], np.arange(9).reshape(3, 3), scored=True, frame_weights=np.array([1, 3, 1])
    )
    example = sequence.build_example("x", [context, own], num_codebooks=3)
    t = example.tensors
    assert example.length == (3 + 2 + 1) + (4 + 3 + 1) == len(t["text"])
    assert t["audio"].tolist() == [False] * 3 + [True] * 3 + [False] * 4 + [True] * 4
    assert t["target"].tolist() == [False] * 10 + [True] * 4 and example.targets == 4
    assert t["codes"][10:13].tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert t["codes"][13].tolist() == [0, 0, 0]  # end-of-audio frame
    assert t["weight"][10:].tolist() == [1.0, 3.0, 1.0, 1.0]
    batch = sequence.collate([example, sequence.build_example("y", [own], num_codebooks=3)])
    assert batch.tensors["text"].shape == (2, 14) and batch.padded_positions == 28
    assert batch.positions == 14 + 8 and batch.padding_ratio == pytest.approx(6 / 28)
    assert batch.tensors["mask"][1].sum() == 8


def test_frame_weights_cover_the_frames_a_span_overlaps() -> None:
    # frames are 80 ms: 0.10-0.25 s touches frames 1-3, 0.70-0.75 s frames 8 and 9
    weights = sequence.frame_weights(10, 12.5, [(0.1, 0.25, 3.0), (0.7, 0.75, 2.0)])
    assert weights.tolist() == [1.0, 3.0, 3.0, 3.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0]


def test_encoder_builds_items_with_cached_codes_and_context(loaded, digit_cut, fsdd_dir, tmp_path) -> None:
    settings = FAMILY.settings({"context_turns": 1})
    encoder = FAMILY.item_encoder(loaded, settings, cache_dir=tmp_path, speakers={"lucas": 3})
    alone = encoder.encode(digit_cut)
    frames = int(alone.tensors["audio"].sum()) - 1
    assert encoder.length(digit_cut) == alone.length and alone.targets == frames + 1
    prompt = loaded.tokenizer.decode(alone.tensors["text"][~alone.tensors["audio"]].tolist())
    assert prompt == "<|begin_of_text|>[3]three<|end_of_text|>"
    earlier = cut_from_file(fsdd_dir / "2_lucas_4.wav", "two", text="two", speaker="lucas", language="en")
    with_context = encoder.encode(digit_cut, [earlier])
    assert with_context.length == alone.length + encoder.length(earlier)
    assert with_context.targets == alone.targets  # the earlier turn is prompt only
    assert encoder.cache.encoded == 2
    encoder.encode(digit_cut)
    assert encoder.cache.encoded == 2


def test_items_longer_than_the_context_and_without_text_are_item_errors(loaded, digit_cut, tmp_path) -> None:
    encoder = FAMILY.item_encoder(loaded, FAMILY.settings({"max_positions": 8}), cache_dir=tmp_path)
    with pytest.raises(ItemError) as error:
        encoder.encode(digit_cut)
    assert error.value.code == "too_long" and error.value.details["limit"] == 8
    digit_cut.supervisions[0].text = "  "
    with pytest.raises(ItemError, match="no transcript"):
        FAMILY.item_encoder(loaded, FAMILY.settings({}), cache_dir=tmp_path).encode(digit_cut)


def test_particle_frames_get_their_token_weight(loaded, digit_cut, tmp_path) -> None:
    sup = digit_cut.supervisions[0]
    sup.text = "three lah"
    sup.alignment = {"word": [AlignmentItem("three", 0.0, 0.3), AlignmentItem("lah", 0.32, 0.16)]}
    sup.custom = {**(sup.custom or {}), "particles": [None, "assertive"]}
    encoder = FAMILY.item_encoder(
        loaded, FAMILY.settings({}), cache_dir=tmp_path, token_weights={"particle": 3.0}
    )
    weights = encoder.encode(digit_cut).tensors["weight"]
    scored = weights[weights > 0].tolist()
    # "lah" at 0.32-0.48 s is frames 4 and 5 (80 ms each); every other scored frame keeps weight 1
    assert scored[:4] == [1.0] * 4 and scored[4:6] == [3.0, 3.0] and set(scored[6:]) == {1.0}


def test_loss_matches_transformers_forward_on_the_same_item(
    tiny_csm: Path, loaded, digit_cut, tmp_path
) -> None:
    """Cross-check: our loss on cached codes == CsmForConditionalGeneration's own loss on raw audio."""
    encoder = FAMILY.item_encoder(loaded, FAMILY.settings({}), cache_dir=tmp_path, speakers={"lucas": 0})
    example = encoder.encode(digit_cut)
    ours = FAMILY.loss(loaded.model, FAMILY.collate([example]), FAMILY.settings({}), training=False)

    processor = AutoProcessor.from_pretrained(tiny_csm)
    audio = encoder.cache  # the same samples the encoder used
    from voxtune.models.codec_cache import cut_waveform

    samples = cut_waveform(digit_cut, 24000)[0]
    inputs = processor(
        "<|begin_of_text|>[0]three<|end_of_text|><|AUDIO|><|audio_eos|>",
        audio=[samples],
        output_labels=True,
        depth_decoder_labels_ratio=1.0,
    )
    assert inputs["input_ids"].shape[1] == example.length and audio is not None
    with torch.no_grad():
        theirs = loaded.model(**inputs)
    assert float(ours.parts["backbone"]) == pytest.approx(float(theirs.backbone_loss), abs=1e-5)
    assert float(ours.parts["depth"]) == pytest.approx(float(theirs.depth_decoder_loss), abs=1e-5)


def test_depth_decoder_ratio_trains_on_a_subset_of_frames(loaded, digit_cut, tmp_path) -> None:
    encoder = FAMILY.item_encoder(loaded, FAMILY.settings({}), cache_dir=tmp_path)
    batch = FAMILY.collate([encoder.encode(digit_cut)])
    full = FAMILY.loss(loaded.model, batch, FAMILY.settings({"depth_decoder_ratio": 1.0}))
    calls = []
    hook = loaded.model.depth_decoder.register_forward_hook(lambda m, i, o: calls.append(o.logits.shape[0]))
    try:
        FAMILY.loss(loaded.model, batch, FAMILY.settings({"depth_decoder_ratio": 0.25}))
    finally:
        hook.remove()
    assert calls == [max(1, round(full.tokens * 0.25))]


def test_generation_ends_within_the_budget_and_trims_silence(loaded) -> None:
    settings = FAMILY.settings({"seconds_per_character": 0.1})
    results = FAMILY.generate(loaded, [GenerationRequest(text="one", speaker="0")], settings, seed=1)
    (result,) = results
    assert result.sample_rate == 24000 and result.audio is not None and result.audio.dtype == np.float32
    budget = FrameBudget(12.5, 0.1, 20.0).frames("one")
    assert 0 < len(result.audio) <= budget * 1920
    assert result.stopped in ("end_of_audio", "length_limit")
    again = FAMILY.generate(loaded, [GenerationRequest(text="one", speaker="0")], settings, seed=1)
    assert np.array_equal(again[0].audio, result.audio)
    with pytest.raises(InputError, match="unknown speaker"):
        FAMILY.generate(loaded, [GenerationRequest(text="one", speaker="nobody")], settings)


def test_end_of_audio_budget_and_trim_known_answers() -> None:
    codes = torch.tensor([[5, 1, 2], [0, 0, 9], [3, 3, 3]])
    kept, ended = cut_at_end_of_audio(codes)
    assert ended and kept.tolist() == [[5, 1, 2]]
    assert cut_at_end_of_audio(codes[[0, 2]])[1] is False
    assert FrameBudget(12.5, 0.1, 20.0).frames("a" * 10) == 25  # (1 + 1.0) s x 12.5
    assert FrameBudget(12.5, 0.1, 1.5).frames("a" * 100) == 19  # capped at 1.5 s
    rate = 24000
    tone = 0.5 * np.sin(2 * np.pi * 220 * np.arange(rate) / rate).astype(np.float32)
    padded = np.concatenate([tone, np.zeros(3 * rate, dtype=np.float32)])
    trimmed = trim_trailing_silence(padded, rate, keep_seconds=0.1)
    assert rate <= len(trimmed) <= rate + int(0.1 * rate) + 1024
    assert trim_trailing_silence(np.zeros(100, dtype=np.float32), rate).size == 0
