from __future__ import annotations

from voxtune.models.kokoro.geometry import geometry_from_config
from voxtune.models.kokoro.tiny import tiny_kokoro_config


def test_kokoro_82m_frames_are_300_and_600_samples() -> None:
    geometry = geometry_from_config(tiny_kokoro_config())  # same istftnet and plbert context as Kokoro-82M
    assert geometry.f0_hop == 300
    assert geometry.duration_hop == 600
    assert geometry.f0_per_duration_frame == 2
    assert geometry.max_phonemes == 510
    assert geometry.voice_rows == 510
    assert geometry.max_duration == 50


def test_geometry_follows_the_config() -> None:
    config = tiny_kokoro_config()
    config["istftnet"] = {**config["istftnet"], "upsample_rates": [8, 8], "gen_istft_hop_size": 4}
    config["plbert"] = {**config["plbert"], "max_position_embeddings": 256}
    geometry = geometry_from_config(config)
    assert (geometry.f0_hop, geometry.duration_hop, geometry.max_phonemes) == (256, 512, 254)


def test_frames_for_samples_rounds_to_the_nearest_frame() -> None:
    geometry = geometry_from_config(tiny_kokoro_config())
    assert geometry.frames_for_samples(24_000) == 40
    assert geometry.frames_for_samples(24_299) == 40
    assert geometry.frames_for_samples(24_300) == 41
    assert geometry.frames_for_samples(10) == 1
