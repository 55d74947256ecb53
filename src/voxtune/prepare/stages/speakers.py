"""speakers: speaker embeddings per item, then clusters per source file linked into corpus-wide ids.

Per-file diarisation tools restart their ids in every file (Emilia-Pipe's known weakness); here each
file's clusters are linked across the corpus by their mean voice, so the same person gets one id.
Embeddings stay on the items (``speaker_embedding``, a lhotse array) for later speaker-similarity
checks and voice packs; the corpus speakers' mean voices go to ``centroids.npz`` in the stage folder.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Literal

import numpy as np
from lhotse import CutSet
from lhotse.cut import Cut
from lhotse.features.io import NumpyFilesWriter
from pydantic import Field, model_validator

from voxtune.corpus.ledger import Rejection
from voxtune.corpus.manifest import write_json
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import ItemStage, StageConfig
from voxtune.speakers import (
    ClusteringSettings,
    FileSpeakers,
    LinkingSettings,
    SpeakerEmbeddingError,
    cluster_speakers,
    link_speakers,
    load_embedder,
)

EMBEDDING = "speaker_embedding"
EMBEDDING_ERROR = "speaker_embedding_error"
CLUSTER = "speaker_cluster"


class SpeakersConfig(StageConfig):
    backend: Literal["resemblyzer", "xvector"] = "resemblyzer"
    """``resemblyzer`` works offline; ``xvector`` takes a transformers x-vector model (WavLM, ...)."""
    model: str | None = None
    """Hub id or folder of the x-vector model (``xvector`` backend only)."""
    device: str = "cpu"
    cluster_threshold: float = Field(0.35, gt=0.0, le=2.0)
    """Cosine distance splitting one file's speakers (tuned for resemblyzer)."""
    link_threshold: float = Field(0.25, gt=0.0, le=2.0)
    """Cosine distance above which speakers of different files are different people."""
    max_speakers_per_file: int | None = Field(None, ge=1)
    overwrite: bool = False
    """Replace speaker labels the items already carry (default: only fill in unknown speakers)."""
    id_prefix: str = "spk"

    @model_validator(mode="after")
    def _model_for_xvector(self) -> SpeakersConfig:
        if self.backend == "xvector" and not self.model:
            raise ValueError("the xvector backend needs 'model' (a hub id or a local folder)")
        return self


@register_stage
class Speakers(ItemStage):
    name = "speakers"
    config_class = SpeakersConfig
    config: SpeakersConfig
    torch_threads = 1

    def setup(self) -> None:
        self.embedder = load_embedder(self.config.backend, self.config.model, device=self.config.device)
        self.writer = NumpyFilesWriter(str(self.context.audio_dir / "embeddings"))

    def process(self, cut: Cut) -> Cut:
        custom = dict(cut.custom or {})
        try:
            vector = self.embedder.embed(cut.load_audio(), cut.sampling_rate)
        except SpeakerEmbeddingError as exc:  # a short or silent segment keeps its place, unlabelled
            custom[EMBEDDING_ERROR] = exc.code
        else:
            custom[EMBEDDING] = self.writer.store_array(cut.id, vector.astype(np.float32))
        cut.custom = custom
        return cut

    def finalize(self, cuts: CutSet) -> Iterator[Cut | Rejection]:
        """Cluster each file's segments, link the clusters across files, label the items."""
        by_file: dict[str, list[tuple[str, np.ndarray, float]]] = defaultdict(list)
        for cut in cuts:
            if EMBEDDING in (cut.custom or {}):
                by_file[cut.recording_id].append((cut.id, cut.load_custom(EMBEDDING), cut.duration))
        clustering = ClusteringSettings(self.config.cluster_threshold, self.config.max_speakers_per_file)
        files = []
        for file_id in sorted(by_file):
            ids, vectors, durations = zip(*by_file[file_id], strict=True)
            labels = cluster_speakers(np.stack(vectors), clustering, durations=list(durations))
            files.append((file_id, ids, np.stack(vectors), labels))
        links = link_speakers(
            [FileSpeakers(file_id, vectors, labels) for file_id, _, vectors, labels in files],
            LinkingSettings(self.config.link_threshold, id_prefix=self.config.id_prefix),
        )
        speaker_of_cut = {
            cut_id: speaker
            for file_id, ids, _, labels in files
            for cut_id, speaker in zip(ids, links.segment_speakers(file_id, labels), strict=True)
        }
        names = _known_names(cuts, speaker_of_cut)
        self._write_summary(links, files)
        for cut in cuts:
            speaker = speaker_of_cut.get(cut.id)
            if speaker is not None:
                cut.custom = {**(cut.custom or {}), CLUSTER: speaker}
                for supervision in cut.supervisions:
                    if self.config.overwrite or not supervision.speaker:
                        supervision.speaker = names.get(speaker, speaker)
            yield cut

    def _write_summary(self, links, files) -> None:  # type: ignore[no-untyped-def]
        ids = links.speaker_ids
        if ids:
            np.savez(
                self.context.work_dir / "centroids.npz",
                ids=np.array(ids),
                centroids=np.stack([links.centroids[i] for i in ids]),
            )
        write_json(
            {
                "speakers": len(ids),
                "files": len(files),
                "speakers_per_file": {file_id: len(set(labels.tolist())) for file_id, _, _, labels in files},
            },
            self.context.work_dir / "speakers.json",
        )


def _known_names(cuts: CutSet, speaker_of_cut: dict[str, str]) -> dict[str, str]:
    """Cluster id -> the speaker label most of its already-labelled items carry (over half of them).

    So a podcast's unlabelled segments get the name a manifest gave the same voice elsewhere.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for cut in cuts:
        cluster = speaker_of_cut.get(cut.id)
        labels = {s.speaker for s in cut.supervisions if s.speaker}
        if cluster is not None and len(labels) == 1:
            votes[cluster][labels.pop()] += 1
    names = {}
    for cluster, counter in votes.items():
        label, count = counter.most_common(1)[0]
        if count > sum(counter.values()) / 2:
            names[cluster] = label
    return names
