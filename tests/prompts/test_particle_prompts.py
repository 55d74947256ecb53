"""Particle scripts: balanced over the particles, each sentence's particle found by the tagger."""

from __future__ import annotations

from collections import Counter

from voxtune.prompts import particle_prompts
from voxtune.prompts.particle_sentences import PARTICLE_SENTENCES
from voxtune.text.language_tags import LanguageTagger, sentence_stats


def test_particles_are_balanced_and_tagged_as_particles() -> None:
    prompts = particle_prompts("ms", 36)
    assert Counter(p.meta["particle"] for p in prompts) == dict.fromkeys(
        ("lah", "leh", "lor", "meh", "mah", "loh"), 6
    )
    assert len({p.text for p in prompts}) == 36  # no sentence twice while others are unused
    tagger = LanguageTagger(["ms", "en"])
    languages: Counter = Counter()
    switching = 0
    for prompt in prompts:
        stats = sentence_stats(tagger.tag(prompt.text))
        assert stats.particle_counts == {prompt.meta["particle"]: 1}, prompt.text
        assert prompt.kind in stats.particle_kinds
        languages.update(stats.words_per_language)
        switching += stats.switches > 0
        assert prompt.spoken == prompt.text  # nothing to normalise in these sentences
    # code-switched the way Malaysians speak: both languages well represented, most sentences mixed
    assert languages["en"] > 60 and languages["ms"] > 60
    assert switching >= 24


def test_every_template_has_one_particle_slot_and_a_subset_can_be_asked_for() -> None:
    assert all(t.count("{p}") == 1 for templates in PARTICLE_SENTENCES.values() for t in templates)
    prompts = particle_prompts("ms", 4, particles=("lah", "meh"), seed=2)
    assert [p.meta["particle"] for p in prompts] == ["lah", "meh", "lah", "meh"]
    assert prompts != particle_prompts("ms", 4, particles=("lah", "meh"), seed=3)
