from __future__ import annotations

import numpy as np
import pytest

from voxtune.audio.convert import apply_channel_policy, resample, to_float32


def test_to_float32_scales_each_integer_type_to_unit_range():
    np.testing.assert_array_equal(
        to_float32(np.array([-32768, 0, 16384], np.int16)), np.array([-1.0, 0.0, 0.5], np.float32)
    )
    np.testing.assert_array_equal(
        to_float32(np.array([0, 128, 192], np.uint8)), np.array([-1.0, 0.0, 0.5], np.float32)
    )
    assert to_float32(np.array([-(2**31)], np.int32))[0] == -1.0
    doubles = np.array([0.25, -0.5])
    assert to_float32(doubles).dtype == np.float32
    with pytest.raises(TypeError):
        to_float32(np.array(["a"]))


def test_channel_policies():
    left = np.full(10, 0.5, np.float32)
    right = np.full(10, -0.1, np.float32)
    stereo = np.stack([left, right])
    np.testing.assert_allclose(apply_channel_policy(stereo, "mix"), [[0.2] * 10], rtol=1e-6)
    assert apply_channel_policy(stereo, "keep") is stereo
    np.testing.assert_array_equal(apply_channel_policy(stereo, "loudest"), left[None])
    np.testing.assert_array_equal(apply_channel_policy(stereo, 1), right[None])
    np.testing.assert_array_equal(apply_channel_policy(stereo, -1), right[None])
    assert apply_channel_policy(left, "mix").shape == (1, 10)
    with pytest.raises(ValueError, match="channel 2"):
        apply_channel_policy(stereo, 2)
    with pytest.raises(ValueError, match="unknown channel policy"):
        apply_channel_policy(stereo, "left")


@pytest.mark.parametrize(("source", "target"), [(8000, 24000), (44100, 16000), (22050, 24000)])
def test_resample_keeps_a_tone_and_the_duration(source, target):
    t = np.arange(source * 2) / source
    tone = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    out = resample(tone, source, target)
    assert out.dtype == np.float32 and out.shape == (target * 2,)
    spectrum = np.abs(np.fft.rfft(out * np.hanning(out.size)))
    peak_hz = np.argmax(spectrum) * target / out.size
    assert peak_hz == pytest.approx(1000, abs=1)
    middle = out[target // 4 : -target // 4]
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(0.5 / np.sqrt(2), rel=1e-3)


def test_resample_channels_first_matches_per_channel():
    rng = np.random.default_rng(0)
    stereo = rng.standard_normal((2, 8000)).astype(np.float32) * 0.1
    both = resample(stereo, 8000, 16000)
    assert both.shape == (2, 16000) and both.flags.c_contiguous
    for channel in range(2):
        np.testing.assert_allclose(both[channel], resample(stereo[channel], 8000, 16000), atol=1e-6)
    assert resample(stereo, 8000, 8000) is stereo
