"""x-vector speaker embeddings from a transformers ``AutoModelForAudioXVector`` checkpoint.

Works with the wav2vec2-family x-vector heads (WavLM, wav2vec2, UniSpeech-SAT, data2vec-audio),
e.g. ``microsoft/wavlm-base-plus-sv``, given as a hub id or a folder written by ``save_pretrained``.
Clips are run one at a time, never padded into a batch: the x-vector heads' masked statistics
pooling (transformers 5.x ``_get_tdnn_output_lengths``) ignores the TDNN dilations, so for a padded
clip it also pools frames computed from padding and the embedding would depend on its batch-mates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from voxtune.errors import InputError
from voxtune.speakers.embeddings import SpeakerEmbedder


class XVectorEmbedder(SpeakerEmbedder):
    """Speaker embeddings from a transformers x-vector model (hub id or local folder)."""

    def __init__(
        self,
        model: str | Path,
        *,
        device: str = "cpu",
        min_seconds: float = 0.2,
        revision: str | None = None,
    ):
        from transformers import AutoFeatureExtractor, AutoModelForAudioXVector

        source = _model_source(model)
        try:
            self.feature_extractor = AutoFeatureExtractor.from_pretrained(source, revision=revision)
            self.model = AutoModelForAudioXVector.from_pretrained(source, revision=revision)
        except (OSError, ValueError) as exc:
            raise InputError(
                f"cannot load an x-vector speaker model from {source!r}: {exc}",
                hint="Give a hub id of an AudioXVector model (e.g. microsoft/wavlm-base-plus-sv) "
                "or a folder saved with save_pretrained that holds its feature extractor too",
            ) from exc
        self.model.to(device).eval()
        self.device = torch.device(device)
        self.name = f"xvector:{source}"
        self.sample_rate = int(self.feature_extractor.sampling_rate)
        self.dim = int(self.model.config.xvector_output_dim)
        self.min_seconds = max(min_seconds, self._shortest_input() / self.sample_rate)

    def _embed_prepared(self, clips: list[np.ndarray]) -> np.ndarray:
        out = np.zeros((len(clips), self.dim), dtype=np.float32)
        for index, clip in enumerate(clips):
            inputs = self.feature_extractor(clip, sampling_rate=self.sample_rate, return_tensors="pt")
            with torch.inference_mode():
                result = self.model(**{key: value.to(self.device) for key, value in inputs.items()})
            out[index] = result.embeddings[0].float().cpu().numpy()
        return out

    def _shortest_input(self) -> int:
        """Fewest samples the model can pool: its TDNN must leave >= 2 frames for the std statistic.

        The model's own arithmetic gives the conv encoder's frames (strides, optional adapter); each
        dilated TDNN layer then removes ``dilation * (kernel - 1)`` frames.
        """
        config = self.model.config
        tdnn_span = sum(d * (k - 1) for k, d in zip(config.tdnn_kernel, config.tdnn_dilation, strict=True))

        def pooled_frames(samples: int) -> int:
            return int(self.model._get_feat_extract_output_lengths(torch.tensor(samples))) - tdnn_span

        low, high = 1, self.sample_rate
        while pooled_frames(high) < 2:
            high *= 2
        while low < high:
            middle = (low + high) // 2
            if pooled_frames(middle) >= 2:
                high = middle
            else:
                low = middle + 1
        return low


def _model_source(model: str | Path) -> str:
    """A local folder as an absolute path, or a hub id as given; a missing folder is an error.

    Checked here so a mistyped folder fails at once, not after a hub lookup over the network.
    """
    text = str(model)
    path = Path(text).expanduser()
    if path.exists():
        return str(path.resolve())
    looks_like_path = isinstance(model, Path) or text.startswith(("/", ".", "~")) or text.count("/") > 1
    if looks_like_path:
        raise InputError(
            "x-vector model folder not found",
            path=path,
            hint="Check the path, or give a Hugging Face hub id like microsoft/wavlm-base-plus-sv",
        )
    return text
