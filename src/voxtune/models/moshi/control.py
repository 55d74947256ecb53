"""The control prefix that tells Moshi which voice and emotion to answer in.

Moshi has no speaker or emotion input, so voxtune conditions it through its own text stream: before a
dialogue's first frame come ``P`` frames whose text tokens spell the controls, e.g.
``[speaker: anna] [emotion: happy]`` (one token per frame, the tokenizer's own pieces, so no new
embedding rows are needed), while both audio channels hold the audio start token (what the model sees
before any audio). These frames are fed to the model but never scored: it learns to follow them, not
to produce them. At generation the same prefix is fed first. A stage that names no controls has no
prefix, so a language-only stage trains the plain model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lhotse import SupervisionSegment

from voxtune.corpus import fields
from voxtune.errors import ItemError

FIELD_TEMPLATE = "[{field}: {value}]"


def control_text(values: Mapping[str, str]) -> str:
    """The prefix text for ``values`` in the order given, e.g. ``[speaker: anna] [emotion: happy]``."""
    return " ".join(FIELD_TEMPLATE.format(field=field, value=value) for field, value in values.items())


def control_values(
    sup: SupervisionSegment, fields_wanted: Sequence[str], speaker_names: Mapping[str, str]
) -> dict[str, str]:
    """The control values of the model's supervision: its speaker (renamed by ``speaker_names``) and
    emotion (``supervision.custom["emotion"]``). A wanted value that is missing is ItemError
    ``no_speaker`` / ``no_emotion``."""
    values: dict[str, str] = {}
    for field in fields_wanted:
        if field == "speaker":
            if not sup.speaker:
                raise ItemError("no_speaker", "the model's turn names no speaker for the speaker control")
            values["speaker"] = speaker_names.get(sup.speaker, sup.speaker)
        elif field == "emotion":
            emotion = (sup.custom or {}).get(fields.EMOTION)
            if not emotion:
                raise ItemError(
                    "no_emotion", "the model's turn has no emotion label (supervision.custom['emotion'])"
                )
            values["emotion"] = str(emotion)
        else:
            raise ValueError(f"unknown control field {field!r}")
    return values


def control_tokens(tokenizer: object, values: Mapping[str, str]) -> list[int]:
    """The prefix's token ids (one per prefix frame); empty when there are no controls."""
    if not values:
        return []
    return list(tokenizer.encode(control_text(values), add_special_tokens=False))  # type: ignore[attr-defined]
