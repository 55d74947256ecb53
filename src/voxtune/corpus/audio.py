"""A cut's audio read with voxtune's checks (NaN/Inf, truncation), and cuts rebuilt over new audio files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from lhotse import AudioSource, Recording, SupervisionSegment
from lhotse.cut import Cut, MonoCut
from lhotse.utils import fastcopy

from voxtune.audio.io import audio_info, read_audio
from voxtune.errors import ItemError


def single_file(cut: Cut) -> Path | None:
    """The one audio file behind a cut, or None when lhotse must assemble it (several sources, mixes)."""
    if not cut.has_recording or len(cut.recording.sources) != 1:
        return None
    source = cut.recording.sources[0]
    return Path(source.source) if source.type == "file" else None


def load_cut_audio(cut: Cut) -> tuple[np.ndarray, int]:
    """The cut's samples as float32 ``(channels, samples)`` at the recording's rate.

    Files are decoded with :func:`voxtune.audio.io.read_audio`, so NaN/Inf samples and truncated or
    corrupt files raise an ItemError with a reason; other cuts go through lhotse.
    """
    path = single_file(cut)
    if path is None:
        try:
            audio = np.atleast_2d(cut.load_audio()).astype(np.float32)
        except Exception as exc:  # lhotse raises many kinds for a bad file
            raise ItemError("unreadable_audio", f"cannot read the audio of {cut.id}: {exc}") from None
        bad = int((~np.isfinite(audio)).sum())
        if bad:
            raise ItemError("non_finite_samples", f"{bad} audio samples are NaN or infinite", samples=bad)
        return audio, cut.sampling_rate
    audio, rate = read_audio(path, offset=cut.start, duration=cut.duration)
    channels = cut.channel if isinstance(cut.channel, list) else [cut.channel]
    if audio.shape[0] > 1 or channels != [0]:
        audio = audio[channels]
    return audio, rate


def cut_over_file(cut: Cut, path: Path, shift: float = 0.0) -> Cut:
    """A cut over the whole of ``path``, which holds ``cut``'s audio from ``shift`` seconds in (what a
    trim cut off); keeps its id, custom fields and supervisions, moving supervision and word times
    to the new recording and dropping what now falls outside."""
    info = audio_info(path)
    recording = Recording(
        id=cut.id,
        sources=[AudioSource(type="file", channels=list(range(info.channels)), source=str(path))],
        sampling_rate=info.sample_rate,
        num_samples=info.frames,
        duration=info.duration,
    )
    new = recording.to_cut()
    mono = isinstance(new, MonoCut)
    supervisions = []
    origin = cut.start + shift  # where the new recording starts on the old recording's clock
    for supervision in cut.supervisions:
        moved = supervision.with_offset(-shift) if shift else supervision
        if moved.end <= 0 or moved.start >= info.duration:
            continue
        channel = 0 if mono else supervision.channel
        alignment = None
        if supervision.alignment:
            alignment = {
                kind: [item.with_offset(-origin) for item in items if item.start - origin < info.duration]
                for kind, items in supervision.alignment.items()
            }
        moved = fastcopy(moved, recording_id=recording.id, channel=channel, alignment=alignment)
        supervisions.append(moved.trim(info.duration))
    new.supervisions = supervisions
    new.custom = dict(cut.custom or {})
    return new


def supervision_samples(
    cut: Cut, audio: np.ndarray, rate: int, supervision: SupervisionSegment
) -> np.ndarray:
    """Mono float32 samples of ``supervision`` from ``audio`` at ``rate`` (what :func:`load_cut_audio`
    returned for ``cut``).

    The supervision's channels are averaged (all channels when the cut lacks them); its span counts
    from the cut's start, like the audio.
    """
    channels = cut.channel if isinstance(cut.channel, list) else [cut.channel]
    wanted = supervision.channel if isinstance(supervision.channel, list) else [supervision.channel]
    rows = [channels.index(channel) for channel in wanted if channel in channels]
    mono = audio[rows].mean(axis=0) if rows else audio.mean(axis=0)
    start = max(0, round(supervision.start * rate))
    end = min(mono.size, round(supervision.end * rate))
    return np.asarray(mono[start:end], dtype=np.float32)
