"""Kyutai STT family: loading, items -> sequences, the loss, streaming, bad items, export."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from lhotse.supervision import AlignmentItem
from peft import LoraConfig, get_peft_model
from safetensors.torch import load_file

from support.kyutai_reference import lm_forward
from voxtune.corpus import Corpus, fields
from voxtune.errors import ItemError
from voxtune.models.kyutai.pause_heads import PauseHeads
from voxtune.models.kyutai.spm_tokenizer import word_tokens
from voxtune.models.kyutai.text_stream import PAD_ID, TokenizedWord, text_stream
from voxtune.models.kyutai_stt.family import LORA_TARGETS, KyutaiSttFamily
from voxtune.models.kyutai_stt.loss import text_logits
from voxtune.models.kyutai_stt.streaming import stream_transcribe
from voxtune.models.registry import detect_family

FAMILY = KyutaiSttFamily()


@pytest.fixture(scope="module")
def loaded(tiny_stt: Path):
    torch.manual_seed(0)
    return FAMILY.load(tiny_stt)


@pytest.fixture(scope="module")
def cuts(dictation_dir: Path):
    return list(Corpus.open(dictation_dir).cuts())


def test_a_saved_folder_loads_with_its_pause_heads_delay_and_codec(tiny_stt, loaded):
    assert detect_family(tiny_stt).name == "kyutai_stt"
    assert loaded.extras["frame_rate"] == 12.5 and loaded.extras["text_delay_seconds"] == 0.5
    heads = loaded.extras["pause_heads"]
    saved = load_file(str(tiny_stt / "pause_heads.safetensors"))
    assert isinstance(heads, PauseHeads) and heads.num_heads == len(saved) == 4
    assert torch.equal(heads.heads[1].weight, saved["extra_heads.1.weight"])
    assert loaded.sample_rate == 24000 and loaded.frozen_prefixes == ("codec_model",)


def test_lora_targets_the_decoder_layers_and_never_the_codec(loaded):
    import copy

    model = get_peft_model(copy.deepcopy(loaded.model), LoraConfig(r=2, target_modules=LORA_TARGETS))
    adapted = [n for n, _ in model.named_modules() if n.endswith(".lora_A")]
    layers = loaded.model.config.num_hidden_layers
    assert len(adapted) == 6 * layers
    assert all(".model.layers." in n and "codec_model" not in n for n in adapted)


def test_an_item_becomes_the_delayed_text_stream_over_its_padded_audio(loaded, cuts, kyutai_codes):
    settings = FAMILY.settings({})
    encoder = FAMILY.item_encoder(loaded, settings, cache_dir=kyutai_codes)
    cut = cuts[1]
    example = encoder.encode(cut)
    # audio: the item plus delay (0.5 s) + tail (1 s) of silence, one frame per 1920 samples at 24 kHz
    samples = round(cut.duration * 24000) + round(1.5 * 24000)
    assert example.length == math.ceil(samples / 1920) == encoder.length(cut)
    words = cut.supervisions[0].alignment[fields.WORD_ALIGNMENT]
    expected = text_stream(
        [TokenizedWord(tuple(word_tokens(loaded.tokenizer, w.symbol)), w.start, w.end) for w in words],
        example.length,
        12.5,
        delay=0.5,
    )
    t = example.tensors
    assert t["target"].tolist() == expected.tolist()
    config = loaded.model.config
    assert t["text_in"][0] == config.bos_token_id and t["text_in"][1:].tolist() == expected[:-1].tolist()
    assert (t["audio_in"][0] == config.audio_bos_token_id).all()
    codes = encoder.codes(cut)
    assert torch.equal(t["audio_in"][1:], torch.as_tensor(codes[:, :-1].T))
    # the transcript's words all appear, in order, in the target stream
    tokens = [tok for w in words for tok in word_tokens(loaded.tokenizer, w.symbol)]
    assert [int(x) for x in t["target"] if int(x) not in (PAD_ID, 0)] == tokens


def test_the_loss_is_moshi_finetunes_weighted_text_cross_entropy(loaded, cuts, kyutai_codes):
    settings = FAMILY.settings({"text_padding_weight": 0.3})
    encoder = FAMILY.item_encoder(loaded, settings, cache_dir=kyutai_codes)
    examples = [encoder.encode(c) for c in cuts[:3]]
    batch = FAMILY.collate(examples)
    out = FAMILY.loss(loaded.model, batch, settings)
    # independently: the model's own forward on each item alone, and the formula in float64
    total_num, total_den, nll = 0.0, 0.0, []
    for example in examples:
        t = example.tensors
        ids = torch.cat([t["text_in"][:, None], t["audio_in"]], dim=1)[None]
        with torch.no_grad():
            logits = loaded.model(input_ids=ids).logits[0].double()
        ce = -torch.log_softmax(logits, -1).gather(1, t["target"][:, None])[:, 0]
        weight = torch.where((t["target"] == 3) | (t["target"] == 0), 0.3, 1.0).double()
        total_num += float((ce * weight).sum())
        total_den += float(weight.sum())
        nll.append(ce)
    assert float(out.parts["text"].detach()) == pytest.approx(total_num / total_den, rel=1e-5)
    assert float(out.parts["nll"].detach()) == pytest.approx(float(torch.cat(nll).mean()), rel=1e-5)
    assert out.tokens == sum(e.length for e in examples)


def test_streaming_matches_the_whole_sequence_forward(loaded, cuts, kyutai_codes):
    encoder = FAMILY.item_encoder(loaded, FAMILY.settings({}), cache_dir=kyutai_codes)
    example = encoder.encode(cuts[2])
    codes = encoder.codes(cuts[2])
    target = example.tensors["target"]
    config = loaded.model.config
    heads = loaded.extras["pause_heads"]
    streamed = stream_transcribe(
        loaded.model,
        codes,
        bos_id=config.bos_token_id,
        audio_bos_id=config.audio_bos_token_id,
        frame_rate=12.5,
        pause_heads=heads,
        forced_tokens=target.tolist(),
    )
    t = example.tensors
    with torch.no_grad():
        hidden, logits = text_logits(
            loaded.model,
            t["text_in"][None],
            t["audio_in"][None],
            torch.ones(1, example.length, dtype=torch.bool),
        )
    assert streamed.tokens.tolist() == logits[0].argmax(-1).tolist()
    np.testing.assert_allclose(
        streamed.pause, heads.pause_probabilities(hidden)[0].detach().numpy(), atol=1e-5
    )
    assert streamed.step_times()[1] == pytest.approx(0.08)


def test_the_text_logits_are_kyutais_own_forward(loaded, cuts, kyutai_codes):
    # the tiny model written out in kyutai's naming and run by the plain reference forward
    from voxtune.models.kyutai.convert import original_state_dict

    sd = {k: v.float() for k, v in original_state_dict(loaded).items()}
    example = FAMILY.item_encoder(loaded, FAMILY.settings({}), cache_dir=kyutai_codes).encode(cuts[0])
    t = example.tensors
    with torch.no_grad():
        _, ours = text_logits(
            loaded.model, t["text_in"][None], t["audio_in"][None], torch.ones(1, example.length).bool()
        )
        _, theirs = lm_forward(
            sd,
            t["text_in"][None],
            t["audio_in"].T[None],
            num_heads=loaded.model.config.num_attention_heads,
            rope_theta=loaded.model.config.rope_parameters["rope_theta"],
            eps=loaded.model.config.rms_norm_eps,
        )
    torch.testing.assert_close(ours[..., :-1], theirs, atol=1e-4, rtol=1e-4)


def test_items_the_model_cannot_learn_from_are_item_errors(loaded, cuts, kyutai_codes):
    encoder = FAMILY.item_encoder(loaded, FAMILY.settings({}), cache_dir=kyutai_codes)
    outside = cuts[3].with_id("outside")
    sup = outside.supervisions[0]
    words = list(sup.alignment[fields.WORD_ALIGNMENT])
    words[-1] = AlignmentItem(words[-1].symbol, outside.duration - 0.1, 0.6)
    outside.supervisions = [sup.with_alignment(fields.WORD_ALIGNMENT, words)]
    with pytest.raises(ItemError) as caught:
        encoder.encode(outside)
    assert caught.value.code == "alignment_outside_audio"
    assert caught.value.details["end"] == pytest.approx(outside.duration + 0.5, abs=1e-3)

    bare = cuts[3].with_id("bare")
    bare.supervisions = [cuts[3].supervisions[0].with_alignment(fields.WORD_ALIGNMENT, [])]
    with pytest.raises(ItemError, match="no_word_alignment"):
        encoder.encode(bare)

    silent = cuts[3].with_id("silent")
    silent.supervisions = []
    with pytest.raises(ItemError, match="empty_text"):
        encoder.encode(silent)


def test_a_stereo_item_is_refused_by_the_mono_model(loaded, kyutai_codes, fsdd_dir, tmp_path):
    from support.kyutai_corpora import stereo_dialogue_corpus

    folder = stereo_dialogue_corpus(fsdd_dir, tmp_path / "stereo", count=1)
    cut = next(iter(Corpus.open(folder).cuts()))
    encoder = FAMILY.item_encoder(loaded, FAMILY.settings({}), cache_dir=kyutai_codes)
    with pytest.raises(ItemError) as caught:
        encoder.encode(cut)
    assert caught.value.code == "not_mono" and caught.value.details == {"channels": 2}


def test_transcribe_returns_text_without_padding_tokens(loaded, cuts):
    cut = cuts[1]
    text, streamed = FAMILY.transcribe(loaded, cut.load_audio()[0], cut.sampling_rate, FAMILY.settings({}))
    kept = [t for t in streamed.tokens.tolist() if t not in (0, 3, loaded.model.config.bos_token_id)]
    assert text == loaded.tokenizer.decode(kept).strip()
    assert streamed.pause.shape == (len(streamed.tokens), 4)
    assert FAMILY.generate(loaded, [], FAMILY.settings({})) == []
