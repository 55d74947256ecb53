"""Moshi family: dialogue items (both channels, inner monologue, control prefix), bad items, generation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from voxtune.corpus import Corpus, fields
from voxtune.errors import InputError, ItemError
from voxtune.models.base import GenerationRequest
from voxtune.models.kyutai.spm_tokenizer import word_tokens
from voxtune.models.moshi.control import control_text
from voxtune.models.moshi.family import MoshiFamily
from voxtune.models.moshi.generate import Sampling, converse
from voxtune.models.moshi.sequence import build_example
from voxtune.sources.items import cut_from_file

FAMILY = MoshiFamily()


@pytest.fixture(scope="module")
def loaded(tiny_moshi: Path):
    return FAMILY.load(tiny_moshi)


@pytest.fixture(scope="module")
def cuts(dialogue_dir: Path):
    return list(Corpus.open(dialogue_dir).cuts())


def test_a_dialogue_gives_both_channels_and_the_model_channels_words(loaded, cuts, kyutai_codes):
    settings = FAMILY.settings({})
    encoder = FAMILY.item_encoder(loaded, settings, cache_dir=kyutai_codes)
    cut = cuts[0]
    example = encoder.encode(cut)
    model_codes, user_codes = encoder.codes(cut)
    K = loaded.model.config.num_codebooks
    t = example.tensors
    # position p holds step p - 1: the semantic codebooks undelayed, the user's too
    assert torch.equal(t["inputs"][1:, 1], torch.as_tensor(model_codes[0, :-1]))
    assert torch.equal(t["inputs"][1:, 1 + K], torch.as_tensor(user_codes[0, :-1]))
    # the user's channel is different audio from the model's
    assert not np.array_equal(model_codes, user_codes)
    # the text stream holds the model's words only, not the user's
    model_sup = next(s for s in cut.supervisions if s.channel == 0)
    user_sup = next(s for s in cut.supervisions if s.channel == 1)
    words = [tok for w in model_sup.text.split() for tok in word_tokens(loaded.tokenizer, w)]
    assert [int(x) for x in t["targets"][:, 0] if int(x) not in (0, 3)] == words
    assert user_sup.text not in model_sup.text.split()
    assert example.length == model_codes.shape[1] == encoder.length(cut)


def test_the_control_prefix_states_speaker_and_emotion_and_is_not_scored(loaded, cuts, kyutai_codes):
    plain = FAMILY.item_encoder(loaded, FAMILY.settings({}), cache_dir=kyutai_codes).encode(cuts[1])
    settings = FAMILY.settings({"control": ["speaker", "emotion"], "speaker_names": {"lucas": "Lucas"}})
    controlled = FAMILY.item_encoder(loaded, settings, cache_dir=kyutai_codes).encode(cuts[1])
    sup = next(s for s in cuts[1].supervisions if s.channel == 0)
    assert sup.speaker == "lucas" and sup.custom[fields.EMOTION] == "calm"
    prefix = loaded.tokenizer.encode("[speaker: Lucas] [emotion: calm]", add_special_tokens=False)
    assert control_text({"speaker": "Lucas", "emotion": "calm"}) == "[speaker: Lucas] [emotion: calm]"
    size = len(prefix)
    t = controlled.tensors
    assert t["inputs"][1 : size + 1, 0].tolist() == prefix
    assert not t["scored"][:size].any()
    assert controlled.length == plain.length + size
    assert torch.equal(t["targets"][size:, 0], plain.tensors["targets"][:, 0])
    assert controlled.targets == plain.targets


def test_mono_items_and_missing_roles_or_labels_are_item_errors(loaded, cuts, kyutai_codes, fsdd_dir):
    encoder = FAMILY.item_encoder(loaded, FAMILY.settings({}), cache_dir=kyutai_codes)
    mono = cut_from_file(fsdd_dir / "3_george_0.wav", "mono", text="three", words=[["three", 0.0, 0.3]])
    with pytest.raises(ItemError) as caught:
        encoder.encode(mono)
    assert caught.value.code == "not_stereo" and caught.value.details == {"channels": 1}
    no_roles = cuts[2].with_id("no-roles")
    no_roles.custom = {}
    with pytest.raises(ItemError, match="no_channel_roles"):
        encoder.encode(no_roles)
    unlabelled = cuts[2].with_id("unlabelled")
    unlabelled.supervisions = [s.with_custom(fields.EMOTION, None) for s in cuts[2].supervisions]
    emotional = FAMILY.item_encoder(loaded, FAMILY.settings({"control": ["emotion"]}), cache_dir=kyutai_codes)
    with pytest.raises(ItemError, match="no_emotion"):
        emotional.encode(unlabelled)


def test_greedy_generation_agrees_with_the_whole_sequence_forward(loaded, cuts, kyutai_codes):
    encoder = FAMILY.item_encoder(loaded, FAMILY.settings({}), cache_dir=kyutai_codes)
    _, user_codes = encoder.codes(cuts[3])
    user_codes = user_codes[:, :12]
    config = loaded.model.config
    prefix = [5, 6]
    greedy = Sampling(0.0, 0.0, 1, 1)
    text, model_codes = converse(
        loaded.model,
        user_codes,
        prefix=prefix,
        acoustic_delay=1,
        text_start=config.vocab_size,
        audio_start=config.audio_vocab_size,
        sampling=greedy,
    )
    example = build_example(
        "g",
        text,
        model_codes,
        user_codes,
        prefix=prefix,
        acoustic_delay=1,
        text_start=config.vocab_size,
        audio_start=config.audio_vocab_size,
    )
    t = example.tensors
    from voxtune.models.moshi.loss import depth_logits, input_embeddings

    with torch.no_grad():
        hidden = loaded.model.decoder.model(
            inputs_embeds=input_embeddings(loaded.model, t["inputs"][None])
        ).last_hidden_state[0]
        text_best = loaded.model.decoder.lm_head(hidden).argmax(-1)
        scored = t["scored"]
        assert torch.equal(text_best[scored[:, 0]], t["targets"][scored[:, 0], 0])
        audio_best = depth_logits(loaded.model, hidden, t["targets"][:, :-1]).argmax(-1)
    K = config.num_codebooks
    assert torch.equal(audio_best[scored[:, 1:]], t["targets"][:, 1 : 1 + K][scored[:, 1:]])


def test_generate_answers_user_audio_in_the_requested_voice(loaded, cuts):
    cut = cuts[0]
    stereo = cut.load_audio()
    settings = FAMILY.settings({"control": ["speaker"], "text_temperature": 0.0, "audio_temperature": 0.0})
    request = GenerationRequest(audio=stereo[1], sample_rate=cut.sampling_rate, speaker="george")
    (first,) = FAMILY.generate(loaded, [request], settings)
    (again,) = FAMILY.generate(loaded, [request], settings, seed=5)
    assert first.sample_rate == 24000 and first.audio is not None
    frames = int(np.ceil(cut.duration * 24000 / 1920))
    assert abs(len(first.audio) - frames * 1920) <= 1920
    np.testing.assert_array_equal(first.audio, again.audio)  # greedy: the seed does not matter
    with pytest.raises(InputError, match="speaker"):
        FAMILY.generate(loaded, [GenerationRequest(audio=stereo[1], sample_rate=cut.sampling_rate)], settings)
    assert FAMILY.generate(loaded, [GenerationRequest(text="hi")], settings)[0].stopped == "no_input_audio"
