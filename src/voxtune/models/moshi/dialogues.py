"""Two-channel dialogues for Moshi from single-speaker items: a user turn, then the model's answer.

Moshi trains on dialogues with the model's voice on one channel and the user's on the other. A corpus of
single-speaker recordings (TTS output, one voice per speaker of a voice stage, segmented podcasts) has
none; pairing each item of a model speaker with a preceding item of another speaker in the same
language gives such dialogues: the user's item plays first on the user channel, then after ``gap``
seconds the model's item on the model channel. Each pair becomes a stereo 24 kHz WAV and a MultiCut with
``channel_roles`` (model 0, user 1), both turns' words moved to the new recording's clock, and the
model item's speaker, language, emotion and split kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import soundfile as sf
from lhotse import AudioSource, MultiCut, Recording, SupervisionSegment
from lhotse.cut import Cut
from lhotse.supervision import AlignmentItem

from voxtune.corpus import fields
from voxtune.errors import ItemError
from voxtune.models import mimi
from voxtune.models.codec_cache import cut_waveform
from voxtune.models.kyutai.words import item_words

MODEL_CHANNEL, USER_CHANNEL = 0, 1


def _speaker(cut: Cut) -> str | None:
    return next((s.speaker for s in cut.supervisions if s.speaker), None)


def _language(cut: Cut) -> str | None:
    return next((s.language for s in cut.supervisions if s.language), None)


def _turn(
    cut: Cut, dialogue_id: str, role: str, channel: int, offset: float, duration: float
) -> SupervisionSegment:
    sups = [s for s in cut.supervisions if s.text and s.text.strip()]
    words = [
        AlignmentItem(w, round(start + offset, 4), round(end - start, 4)) for w, start, end in item_words(cut)
    ]
    first = sups[0]
    return SupervisionSegment(
        id=f"{dialogue_id}-{role}",
        recording_id=dialogue_id,
        start=0.0,
        duration=duration,
        channel=channel,
        text=" ".join(s.text.strip() for s in sups),
        speaker=first.speaker,
        language=first.language,
        alignment={fields.WORD_ALIGNMENT: words},
        custom=dict(first.custom) if first.custom else None,
    )


def pair_dialogues(
    cuts: Iterable[Cut],
    model_speakers: Sequence[str],
    folder: str | Path,
    *,
    gap: float = 0.3,
    lead: float = 0.1,
    tail: float = 0.3,
) -> tuple[list[MultiCut], list[tuple[Cut, ItemError]]]:
    """Dialogues pairing each item of a ``model_speakers`` speaker with an item of another speaker in its
    language (taken in turn, so users vary); WAVs are written under ``folder``.

    Returns the dialogues and the items left out with why (no other speaker in the language, no word
    timings, unreadable audio, several channels).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    models: list[Cut] = []
    users: dict[str | None, list[Cut]] = defaultdict(list)
    for cut in cuts:
        if cut.num_channels != 1 or not any(s.text and s.text.strip() for s in cut.supervisions):
            continue
        (models if _speaker(cut) in model_speakers else users[_language(cut)]).append(cut)
    dialogues: list[MultiCut] = []
    left_out: list[tuple[Cut, ItemError]] = []
    used: dict[str | None, int] = defaultdict(int)
    rate = mimi.SAMPLE_RATE
    for model in models:
        language = _language(model)
        candidates = users.get(language) or []
        if not candidates:
            left_out.append((model, ItemError("no_user_turn", f"no item of another speaker in '{language}'")))
            continue
        user = candidates[used[language] % len(candidates)]
        used[language] += 1
        try:
            model_audio = cut_waveform(model, rate)[0]
            user_audio = cut_waveform(user, rate)[0]
            item_words(model)
            item_words(user)
        except ItemError as error:
            left_out.append((model, error))
            continue
        user_start = lead
        model_start = lead + len(user_audio) / rate + gap
        length = round((model_start + len(model_audio) / rate + tail) * rate)
        stereo = np.zeros((length, 2), dtype=np.float32)
        at = round(user_start * rate)
        stereo[at : at + len(user_audio), USER_CHANNEL] = user_audio
        at = round(model_start * rate)
        stereo[at : at + len(model_audio), MODEL_CHANNEL] = model_audio[: length - at]
        dialogue_id = f"dialogue-{model.id}"
        path = folder / f"{dialogue_id.replace('/', '_')}.wav"
        sf.write(str(path), stereo, rate, subtype="PCM_16")
        duration = length / rate
        recording = Recording(
            id=dialogue_id,
            sources=[AudioSource(type="file", channels=[0, 1], source=str(path))],
            sampling_rate=rate,
            num_samples=length,
            duration=duration,
        )
        cut = MultiCut(id=dialogue_id, start=0.0, duration=duration, channel=[0, 1], recording=recording)
        cut.supervisions = [
            _turn(model, dialogue_id, "model", MODEL_CHANNEL, model_start, duration),
            _turn(user, dialogue_id, "user", USER_CHANNEL, user_start, duration),
        ]
        custom = {fields.CHANNEL_ROLES: {"model": MODEL_CHANNEL, "user": USER_CHANNEL}}
        if (model.custom or {}).get(fields.SPLIT):
            custom[fields.SPLIT] = model.custom[fields.SPLIT]
        custom[fields.SOURCE] = fields.source_of(model)
        cut.custom = custom
        dialogues.append(cut)
    return dialogues, left_out
