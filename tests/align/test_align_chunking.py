"""Chunked emissions: frame geometry, window planning, and stitched == one pass for local models."""

from __future__ import annotations

import pytest
import torch
from transformers import Wav2Vec2Config, Wav2Vec2ForCTC

from voxtune.align.chunking import FrameGeometry, chunked_emissions, plan_windows

WAV2VEC2 = FrameGeometry.from_conv_layers([10, 3, 3, 3, 3, 2, 2], [5, 2, 2, 2, 2, 2, 2])


class LocalConvModel(torch.nn.Module):
    """Valid strided convs (stride 20, receptive field 40 samples), then two same-padded k=5 frame
    convs, so each frame depends on the samples of frames up to 4 away.
    """

    geometry = FrameGeometry.from_conv_layers([10, 3, 3], [5, 2, 2])
    reach = 4

    def __init__(self, classes: int = 6):
        super().__init__()
        torch.manual_seed(0)
        self.encoder = torch.nn.Sequential(
            torch.nn.Conv1d(1, 8, 10, stride=5),
            torch.nn.GELU(),
            torch.nn.Conv1d(8, 8, 3, stride=2),
            torch.nn.GELU(),
            torch.nn.Conv1d(8, 8, 3, stride=2),
        )
        self.context = torch.nn.Sequential(
            torch.nn.Conv1d(8, 8, 5, padding=2),
            torch.nn.GELU(),
            torch.nn.Conv1d(8, classes, 5, padding=2),
        )

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        frames = self.context(self.encoder(audio[:, None, :]))
        return torch.log_softmax(frames.transpose(1, 2), dim=-1)


def test_wav2vec2_geometry_matches_transformers_frame_counts():
    assert (WAV2VEC2.stride, WAV2VEC2.receptive_field) == (320, 400)
    model = Wav2Vec2ForCTC(_tiny_wav2vec2_config(layers=0))
    lengths = torch.tensor([0, 399, 400, 719, 720, 16000, 16001, 48_321])
    expected = model._get_feat_extract_output_lengths(lengths).clamp(min=0).tolist()
    assert [WAV2VEC2.num_frames(int(n)) for n in lengths] == expected


@pytest.mark.parametrize(("samples", "chunk", "context"), [(16000, 7, 3), (16000, 1000, 5), (5000, 4, 0)])
def test_windows_tile_every_frame_once_inside_the_audio(samples: int, chunk: int, context: int):
    windows = plan_windows(samples, WAV2VEC2, chunk_frames=chunk, context_frames=context)
    covered = []
    for window in windows:
        assert 0 <= window.sample_start < window.sample_end <= samples
        assert window.sample_start % WAV2VEC2.stride == 0
        frames_in_window = WAV2VEC2.num_frames(window.num_samples)
        assert 0 <= window.keep_start < window.keep_end <= frames_in_window
        assert window.keep_start <= context and frames_in_window - window.keep_end <= context
        covered += range(window.frame_start, window.frame_start + window.keep_end - window.keep_start)
    assert covered == list(range(WAV2VEC2.num_frames(samples)))


@pytest.mark.parametrize("batch_size", [1, 3])
def test_stitched_emissions_equal_one_pass_when_context_covers_the_reach(batch_size: int):
    model = LocalConvModel().eval()
    audio = torch.randn(20 * 97 + 33, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        whole = model(audio[None])[0]
        stitched = chunked_emissions(
            audio,
            model,
            model.geometry,
            chunk_frames=7,
            context_frames=model.reach,
            batch_size=batch_size,
        )
        too_little = chunked_emissions(audio, model, model.geometry, chunk_frames=7, context_frames=1)
    assert stitched.shape == whole.shape
    torch.testing.assert_close(stitched, whole, rtol=0, atol=1e-5)
    assert (too_little - whole).abs().max() > 1e-3  # the test can tell a wrong context apart


def test_wav2vec2_without_attention_layers_stitches_exactly():
    """With no transformer layer a wav2vec2 CTC model's reach is its positional conv (kernel 16, so
    8 frames): stitched windows with 8 context frames equal one pass.
    """
    model = Wav2Vec2ForCTC(_tiny_wav2vec2_config(layers=0)).eval()
    audio = torch.randn(16000 * 3, generator=torch.Generator().manual_seed(2))

    def emit(batch: torch.Tensor) -> torch.Tensor:
        return torch.log_softmax(model(batch).logits, dim=-1)

    with torch.inference_mode():
        whole = emit(audio[None])[0]
        stitched = chunked_emissions(audio, emit, WAV2VEC2, chunk_frames=23, context_frames=8, batch_size=2)
        short_context = chunked_emissions(audio, emit, WAV2VEC2, chunk_frames=23, context_frames=2)
    torch.testing.assert_close(stitched, whole, rtol=0, atol=1e-5)
    assert (short_context - whole).abs().max() > 1e-3


def test_a_model_that_breaks_the_geometry_is_reported():
    model = LocalConvModel().eval()
    wrong = FrameGeometry(stride=10, receptive_field=40)
    with pytest.raises(ValueError, match="predicts"), torch.inference_mode():
        chunked_emissions(torch.randn(2000), model, wrong, chunk_frames=5, context_frames=1)


def test_audio_shorter_than_one_frame_is_refused():
    with pytest.raises(ValueError, match="shorter than one frame"):
        chunked_emissions(torch.randn(399), LocalConvModel(), WAV2VEC2, chunk_frames=5, context_frames=1)


def _tiny_wav2vec2_config(layers: int) -> Wav2Vec2Config:
    return Wav2Vec2Config(
        vocab_size=12,
        hidden_size=16,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=32,
        conv_dim=(8,) * 7,
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=2,
        feat_extract_norm="layer",
        do_stable_layer_norm=True,
        pad_token_id=0,
    )
