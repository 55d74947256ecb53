"""The Mimi codec (inside CSM and Moshi, beside Kyutai STT): encode/decode helpers and tiny codecs.

A randomly initialised Mimi is useless as a codec in two ways. Its codebooks are all zero, so every
frame quantises to code 0 and any loss over the codes is meaningless; and its random encoder works in
the linear range of its ELUs at audio levels, so its latents follow the waveform's phase: shifting the
audio by one sample changes a quarter of the codes, and no model can predict such codes from text.
A tiny codec for tests and the demo gets both fixed here: ``make_envelope_encoder`` turns the encoder
into a fixed analyser (random short filters, rectified, then smoothed and mixed: band envelopes, like
the spectral content a trained codec encodes), and ``fit_codebooks`` runs residual k-means (scipy) on
its latents of real audio, as RVQ codebooks are initialised in training.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import torch
from scipy.cluster.vq import kmeans2
from transformers import MimiConfig, MimiModel

SAMPLE_RATE = 24_000


def tiny_mimi_config(*, codebook_size: int = 32, num_quantizers: int = 4) -> MimiConfig:
    """A Mimi small enough for CPU tests, keeping the real frame rate (12.5 Hz at 24 kHz)."""
    return MimiConfig(
        sampling_rate=SAMPLE_RATE,
        hidden_size=32,
        num_filters=8,
        codebook_size=codebook_size,
        codebook_dim=16,
        num_quantizers=num_quantizers,
        vector_quantization_hidden_dimension=16,
        num_hidden_layers=1,
        intermediate_size=64,
        num_attention_heads=2,
        num_key_value_heads=2,
        upsample_groups=32,
        sliding_window=64,
        max_position_embeddings=4000,
    )


@torch.no_grad()
def encode(codec: MimiModel, samples: np.ndarray, num_quantizers: int | None = None) -> np.ndarray:
    """Codes ``(num_quantizers, frames)`` of mono float audio ``(1, samples)`` or ``(samples,)``."""
    device = next(codec.parameters()).device
    dtype = next(codec.parameters()).dtype
    values = torch.as_tensor(np.asarray(samples, dtype=np.float32)).reshape(1, 1, -1).to(device, dtype)
    codes = codec.encode(values, num_quantizers=num_quantizers).audio_codes
    return codes[0].to("cpu").numpy()


@torch.no_grad()
def decode(codec: MimiModel, codes: np.ndarray | torch.Tensor) -> np.ndarray:
    """Mono float32 audio from codes ``(num_quantizers, frames)``."""
    device = next(codec.parameters()).device
    codes = torch.as_tensor(codes, dtype=torch.long, device=device)
    if codes.shape[-1] == 0:
        return np.zeros(0, dtype=np.float32)
    audio = codec.decode(codes[None]).audio_values
    return audio[0, 0].float().to("cpu").numpy()


@torch.no_grad()
def make_envelope_encoder(codec: MimiModel, *, seed: int = 0, gain: float = 30.0) -> None:
    """Set the SEANet encoder's weights to a fixed envelope analyser (see the module doc).

    The first convolution gets random filters with a ``gain`` that drives its ELU into rectification;
    residual blocks become identities; every later convolution mixes channels randomly but averages
    over its kernel (a low-pass), so latents change smoothly with the sound, not with its phase.
    """
    generator = torch.Generator().manual_seed(seed)
    for name, module in codec.encoder.encoder_seanet.named_modules():
        if not isinstance(module, torch.nn.Conv1d):
            continue
        out_channels, in_channels, kernel = module.weight.shape
        if name == "layers.0.conv":
            filters = torch.randn(out_channels, in_channels, kernel, generator=generator)
            module.weight.copy_(filters * gain / np.sqrt(in_channels * kernel))
        elif ".block.3." in name:
            module.weight.zero_()  # the residual branch adds nothing: the block is an identity
        elif ".block." not in name:
            mix = torch.randn(out_channels, in_channels, generator=generator) / np.sqrt(in_channels)
            module.weight.copy_(mix[:, :, None].expand(-1, -1, kernel) / kernel)
        if module.bias is not None:
            module.bias.zero_()


@torch.no_grad()
def _latents(codec: MimiModel, audio: Iterable[np.ndarray]) -> torch.Tensor:
    """Encoder latents ``(frames, hidden)`` of every clip (clips with NaN or inf skipped), concatenated."""
    frames = []
    for clip in audio:
        if not np.isfinite(clip).all():
            continue
        values = torch.as_tensor(np.asarray(clip, dtype=np.float32)).reshape(1, 1, -1)
        latents = codec.encoder(values).latents  # (1, hidden, frames)
        frames.append(latents[0].T)
    if not frames:
        raise ValueError("fit_codebooks needs at least one clip of audio")
    return torch.cat(frames)


def _fit_residual(
    layers: torch.nn.ModuleList, vectors: np.ndarray, rng: np.random.Generator, iterations: int
) -> None:
    residual = vectors.astype(np.float64)
    for layer in layers:
        codebook = layer.codebook
        size = codebook.codebook_size
        distinct = np.unique(residual, axis=0)
        if len(distinct) > size:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # an empty cluster keeps its start point
                centroids, _ = kmeans2(residual, size, minit="++", iter=iterations, seed=rng)
        else:  # no more distinct frames than codes: every frame gets a code, the rest jitter around them
            picks = np.concatenate(
                [np.arange(len(distinct)), rng.integers(0, len(distinct), size - len(distinct))]
            )
            scale = residual.std() * 0.05 + 1e-6
            centroids = (
                distinct[picks]
                + rng.normal(0.0, scale, (size, residual.shape[1]))
                * (np.arange(size) >= len(distinct))[:, None]
            )
        labels = np.argmin(((residual[:, None, :] - centroids[None]) ** 2).sum(-1), axis=1)
        codebook.embed_sum.copy_(torch.as_tensor(centroids, dtype=codebook.embed_sum.dtype))
        codebook.cluster_usage.fill_(1.0)
        codebook._embed = None  # drop the cached embed computed from the old sums
        residual = residual - centroids[labels]


@torch.no_grad()
def fit_codebooks(
    codec: MimiModel, audio: Iterable[np.ndarray], *, seed: int = 0, iterations: int = 15
) -> None:
    """Set every RVQ codebook of ``codec`` by residual k-means on its encoder latents of ``audio``
    (mono float arrays at the codec's rate): semantic and acoustic quantisers each fit their residuals."""
    latents = _latents(codec, audio)  # (frames, hidden)
    rng = np.random.default_rng(seed)
    for rvq in (
        codec.quantizer.semantic_residual_vector_quantizer,
        codec.quantizer.acoustic_residual_vector_quantizer,
    ):
        projected = latents
        if rvq.input_proj is not None:
            projected = rvq.input_proj(latents.T[None])[0].T
        _fit_residual(rvq.layers, projected.double().numpy(), rng, iterations)


def code_entropy(codes: np.ndarray, codebook_size: int) -> float:
    """Mean over codebooks of the entropy (nats) of each codebook's code histogram; ``codes`` is
    ``(frames, codebooks)``. The loss of a model that knew only code frequencies."""
    codes = np.asarray(codes)
    if codes.size == 0:
        return 0.0
    entropies = []
    for column in codes.T:
        counts = np.bincount(column.astype(np.int64), minlength=codebook_size).astype(np.float64)
        p = counts[counts > 0] / counts.sum()
        entropies.append(float(-(p * np.log(p)).sum()))
    return float(np.mean(entropies))
