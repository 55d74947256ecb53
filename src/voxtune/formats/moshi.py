"""moshi: moshi-finetune's layout, both ways (the contract itself is in ``moshi_contract``).

Export writes ``data.jsonl`` and ``audio/<name>.wav`` + ``audio/<name>.json`` per file:

* ``mode: s2s`` (speech-to-speech, Moshi): stereo, the model's voice left and the user's right. A
  two-channel cut maps its channels through ``cut.custom["channel_roles"]`` (or the supervision of
  ``model_speaker``); a one-channel cut goes left when its speaker is a ``model_speaker``, else right.
* ``mode: stt`` (speech-to-text, Kyutai STT): mono; every word is the transcribed (main) stream.
* With ``conversations`` on, the segments of one conversation (``cut.custom["conversation"]``) become
  one long file: at their original times when they are windows of one recording, else one after the
  other with ``turn_gap`` seconds between them; word times are shifted to the file.

Besides ``alignments`` (and optional ``text_conditions``) each sidecar holds a ``voxtune`` key that
moshi-finetune ignores: the segments' ids, offsets, supervisions and custom fields, so an import of
the folder gives back the same items. Folders without it (e.g. kyutai/DailyTalkContiguous) import as
one cut per file with one supervision per speaker turn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from lhotse import AudioSource, Recording, SupervisionSegment
from lhotse.cut import Cut, MonoCut, MultiCut
from lhotse.supervision import AlignmentItem
from pydantic import Field, field_validator

from voxtune.audio.convert import resample
from voxtune.corpus import fields
from voxtune.corpus.manifest import json_default, write_jsonl
from voxtune.errors import ConfigError, InputError, ItemError
from voxtune.formats.audio import cut_audio, write_wav
from voxtune.formats.base import (
    Exporter,
    ExportLedger,
    ExportOptions,
    FormatSummary,
    Reader,
    ReaderOptions,
    SourceItem,
)
from voxtune.formats.items import cut_words, export_name, has_word_alignment, speaker_of
from voxtune.formats.moshi_contract import (
    INDEX_FILE,
    LEFT,
    MAIN_SPEAKER,
    RIGHT,
    SAMPLE_RATE,
    USER_SPEAKER,
)
from voxtune.sources.items import probe_audio

AUDIO_FOLDER = "audio"
META_KEY = "voxtune"
TIME_DIGITS = 4


class MoshiOptions(ExportOptions):
    mode: Literal["s2s", "stt"] = "s2s"
    """``s2s``: stereo, model left / user right (Moshi); ``stt``: mono (Kyutai STT)."""
    model_speaker: list[str] = []
    """Speaker id(s) whose voice is the model's (left channel, ``SPEAKER_MAIN`` words) in s2s mode."""
    conversations: bool = True
    """Write the segments of one conversation as one long file."""
    turn_gap: float = Field(0.0, ge=0.0, le=30.0)
    """Seconds of silence between turns that come from different recordings."""
    text_conditions: dict[str, str] = {}
    """Written as ``text_conditions`` into every sidecar (for conditioned models)."""

    @field_validator("model_speaker", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


@dataclass
class _Segment:
    """One admitted cut, ready to be placed in a file."""

    cut: Cut
    audio: np.ndarray
    """``(channels, samples)`` at 24 kHz, already in output channel order for two-channel cuts."""
    channel: int | None
    """Output channel of a one-channel cut; None when the cut fills both channels itself."""
    words: list[tuple[str, float, float, str, int]]
    """(word, start, end, speaker label, supervision index) in seconds from the cut start."""
    sup_channels: list[int | list[int]]
    offset: float = 0.0
    model_words: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.model_words = sum(label == MAIN_SPEAKER for _, _, _, label, _ in self.words)


class MoshiExporter(Exporter):
    name = "moshi"
    description = (
        "moshi-finetune: 24 kHz WAV (stereo model-left/user-right, or mono) + data.jsonl + alignments"
    )
    options_class = MoshiOptions
    options: MoshiOptions

    def check(self, cuts: Iterable[Cut]) -> None:
        speakers: set[str] = set()
        without_roles = 0
        for cut in cuts:
            speakers.update(sup.speaker for sup in cut.supervisions if sup.speaker)
            without_roles += _channel_roles(cut) is None
        missing = [name for name in self.options.model_speaker if name not in speakers]
        known = ", ".join(sorted(speakers)[:12]) or "none"
        if missing:
            raise ConfigError(
                f"model_speaker names no speaker of the exported items: {', '.join(missing)}",
                hint=f"Speakers in this export: {known}",
            )
        if self.options.mode == "s2s" and without_roles and not self.options.model_speaker:
            raise ConfigError(
                f"a speech-to-speech export must know which speaker is the model (left channel); "
                f"{without_roles} item(s) have no channel_roles",
                hint=f"Pass -O model_speaker=ID (speakers: {known}), or -O mode=stt for mono "
                "speech-to-text files",
            )

    def write(self, cuts: Iterable[Cut], folder: Path, ledger: ExportLedger) -> FormatSummary:
        summary = FormatSummary(details={"mode": self.options.mode, "conversations": 0})
        index: list[dict[str, Any]] = []
        names: set[str] = set()
        for group_name, conversation, group in _groups(cuts, self.options.conversations):
            segments: list[_Segment] = []
            for cut in group:
                with ledger.item(cut):
                    name = export_name(group_name)
                    if name in names:
                        raise ItemError("duplicate_name", f"another export file is already called {name}")
                    segments.append(self._segment(cut))
            if not segments:
                continue
            if not any(segment.model_words for segment in segments):
                for segment in segments:
                    ledger.reject(
                        segment.cut,
                        "no_model_speaker",
                        f"no speaker of this {'conversation' if conversation else 'item'} is a "
                        f"model_speaker ({', '.join(self.options.model_speaker) or 'none set'}); "
                        "moshi-finetune trains only on the model's words, so the file would teach nothing",
                    )
                continue
            names.add(name)
            duration = self._write_file(folder, name, conversation, segments)
            index.append({"path": f"{AUDIO_FOLDER}/{name}.wav", "duration": duration})
            summary.items += len(segments)
            summary.files += 1
            summary.seconds += duration
            summary.details["conversations"] += conversation is not None
        write_jsonl(index, folder / INDEX_FILE)
        return summary

    # -- one cut ---------------------------------------------------------------------------------

    def _segment(self, cut: Cut) -> _Segment:
        """The cut's audio and labelled words; the words trained on (the model's, or all for STT)
        must be aligned, while a user turn may come without words (moshi-finetune ignores them)."""
        if self.options.mode == "stt":
            audio = resample(cut_audio(cut), cut.sampling_rate, SAMPLE_RATE).mean(axis=0, keepdims=True)
            words = _require_words(_labelled_words(cut, lambda sup: MAIN_SPEAKER))
            return _Segment(cut, audio, LEFT, words, [LEFT] * len(cut.supervisions))
        roles = _channel_roles(cut)
        if roles is None and isinstance(cut, MultiCut):
            roles = self._roles_from_speakers(cut)
        if roles is not None:
            return self._stereo_segment(cut, roles)
        speaker = speaker_of(cut)
        if speaker is None:
            raise ItemError(
                "no_speaker", "the item names no speaker, so its channel (model or user) is unknown"
            )
        model = speaker in self.options.model_speaker
        label = MAIN_SPEAKER if model else USER_SPEAKER
        channel = LEFT if model else RIGHT
        words = _labelled_words(cut, lambda sup: label)
        if model:
            _require_words(words)
        audio = resample(cut_audio(cut), cut.sampling_rate, SAMPLE_RATE).mean(axis=0, keepdims=True)
        return _Segment(cut, audio, channel, words, [channel] * len(cut.supervisions))

    def _roles_from_speakers(self, cut: MultiCut) -> dict[str, int]:
        for sup in cut.supervisions:
            if sup.speaker in self.options.model_speaker and isinstance(sup.channel, int):
                others = [c for c in cut.channel if c != sup.channel]
                if len(others) == 1:
                    return {"model": sup.channel, "user": others[0]}
        raise ItemError(
            "no_channel_roles",
            f"a {cut.num_channels}-channel item needs cut.custom['channel_roles'] or a one-channel "
            "supervision of the model speaker to know which channel is the model",
        )

    def _stereo_segment(self, cut: Cut, roles: dict[str, int]) -> _Segment:
        audio = cut_audio(cut)
        channels = list(cut.channel) if isinstance(cut, MultiCut) else [cut.channel]
        try:
            rows = [channels.index(roles["model"]), channels.index(roles["user"])]
        except ValueError:
            raise ItemError(
                "no_channel_roles",
                f"channel_roles {roles} name channels the item does not have ({channels})",
            ) from None
        audio = resample(audio[rows], cut.sampling_rate, SAMPLE_RATE)
        out_channel = {roles["model"]: LEFT, roles["user"]: RIGHT}

        def label(sup: SupervisionSegment) -> str:
            channels = _as_list(sup.channel)
            channel = channels[0] if len(channels) == 1 else None
            if channel in out_channel:
                return MAIN_SPEAKER if out_channel[channel] == LEFT else USER_SPEAKER
            if sup.speaker and self.options.model_speaker:
                return MAIN_SPEAKER if sup.speaker in self.options.model_speaker else USER_SPEAKER
            raise ItemError(
                "no_channel_roles",
                f"supervision {sup.id} spans channels {sup.channel}, so its words belong to neither "
                "the model nor the user",
            )

        words = _labelled_words(cut, label)
        _require_words([word for word in words if word[3] == MAIN_SPEAKER])
        sup_channels: list[int | list[int]] = []
        for sup in cut.supervisions:
            mapped = sorted({out_channel.get(c, LEFT) for c in _as_list(sup.channel)})
            sup_channels.append(mapped[0] if len(mapped) == 1 else mapped)
        return _Segment(cut, audio, None, words, sup_channels)

    # -- one file --------------------------------------------------------------------------------

    def _write_file(
        self, folder: Path, name: str, conversation: str | None, segments: list[_Segment]
    ) -> float:
        _place(segments, self.options.turn_gap)
        channels = 1 if self.options.mode == "stt" else 2
        starts = [round(segment.offset * SAMPLE_RATE) for segment in segments]
        total = max(start + segment.audio.shape[1] for start, segment in zip(starts, segments, strict=True))
        buffer = np.zeros((channels, total), dtype=np.float32)
        for start, segment in zip(starts, segments, strict=True):
            length = segment.audio.shape[1]
            if segment.channel is None:
                buffer[:, start : start + length] += segment.audio
            else:
                buffer[segment.channel, start : start + length] += segment.audio[0]
            segment.offset = start / SAMPLE_RATE
        duration = write_wav(folder / AUDIO_FOLDER / f"{name}.wav", buffer, SAMPLE_RATE)

        entries: list[tuple[float, float, str, str, int, int]] = []
        for number, segment in enumerate(segments):
            for word, start, end, label, sup_index in segment.words:
                begin = min(round(segment.offset + start, TIME_DIGITS), duration)
                finish = min(round(segment.offset + end, TIME_DIGITS), duration)
                entries.append((begin, finish, word, label, number, sup_index))
        entries.sort(key=lambda entry: (entry[0], entry[1], entry[4]))
        sidecar: dict[str, Any] = {"alignments": [[w, [s, e], label] for s, e, w, label, _, _ in entries]}
        if self.options.text_conditions:
            sidecar["text_conditions"] = dict(self.options.text_conditions)
        sidecar[META_KEY] = {
            "mode": self.options.mode,
            "conversation": conversation,
            "segments": [_segment_meta(segment) for segment in segments],
            "word_owners": [[number, sup_index] for _, _, _, _, number, sup_index in entries],
        }
        path = folder / AUDIO_FOLDER / f"{name}.json"
        path.write_text(json.dumps(sidecar, ensure_ascii=False, default=json_default), encoding="utf-8")
        return duration


def _channel_roles(cut: Cut) -> dict[str, int] | None:
    roles = (cut.custom or {}).get(fields.CHANNEL_ROLES)
    if isinstance(cut, MultiCut) and isinstance(roles, dict) and {"model", "user"} <= set(roles):
        return {"model": int(roles["model"]), "user": int(roles["user"])}
    return None


def _as_list(channel: int | list[int]) -> list[int]:
    return [channel] if isinstance(channel, int) else list(channel)


def _require_words(
    words: list[tuple[str, float, float, str, int]],
) -> list[tuple[str, float, float, str, int]]:
    if not words:
        raise ItemError(
            "no_alignment",
            "no aligned word of the trained speaker falls inside the item; moshi-finetune needs word "
            "timings (run the align stage)",
        )
    return words


def _labelled_words(cut: Cut, label_of: Any) -> list[tuple[str, float, float, str, int]]:
    words: list[tuple[str, float, float, str, int]] = []
    for index, sup in enumerate(cut.supervisions):
        if not has_word_alignment(sup):
            continue
        label = label_of(sup)
        words.extend((word, start, end, label, index) for word, start, end in cut_words(cut, sup))
    return words


def _groups(cuts: Iterable[Cut], conversations: bool) -> Iterator[tuple[str, str | None, list[Cut]]]:
    """(file name, conversation id or None, cuts) in order of first appearance."""
    groups: dict[tuple[str, str], list[Cut]] = {}
    for cut in cuts:
        conversation = (cut.custom or {}).get(fields.CONVERSATION)
        if conversations and conversation and not isinstance(cut, MultiCut):
            key = ("conversation", str(conversation))
        else:
            key = ("item", cut.id)
        groups.setdefault(key, []).append(cut)
    for (kind, name), group in groups.items():
        yield name, (name if kind == "conversation" else None), group


def _place(segments: list[_Segment], gap: float) -> None:
    """Offsets in the file: original times for windows of one recording, else one after another."""
    recordings = {segment.cut.recording_id for segment in segments}
    if len(recordings) == 1 and all(segment.cut.has_recording for segment in segments):
        segments.sort(key=lambda segment: segment.cut.start)
        first = segments[0].cut.start
        for segment in segments:
            segment.offset = segment.cut.start - first
        return
    offset = 0.0
    for segment in segments:
        segment.offset = offset
        offset += segment.audio.shape[1] / SAMPLE_RATE + gap


def _segment_meta(segment: _Segment) -> dict[str, Any]:
    cut = segment.cut
    return {
        "id": cut.id,
        "offset": segment.offset,
        "duration": cut.duration,
        "channel": segment.channel,
        "custom": cut.custom or {},
        "supervisions": [
            {
                "id": sup.id,
                "start": sup.start,
                "duration": sup.duration,
                "channel": channel,
                "text": sup.text,
                "speaker": sup.speaker,
                "language": sup.language,
                "gender": sup.gender,
                "custom": sup.custom,
            }
            for sup, channel in zip(cut.supervisions, segment.sup_channels, strict=True)
        ],
    }


# -- import --------------------------------------------------------------------------------------


class MoshiReader(Reader):
    name = "moshi"
    description = "a moshi-finetune folder or .jsonl index (voxtune exports come back item by item)"
    options_class = ReaderOptions

    def items(self, path: Path) -> Iterator[SourceItem]:
        indexes = [path] if path.is_file() else sorted(path.rglob("*.jsonl")) if path.is_dir() else []
        if not indexes:
            raise InputError(
                "no moshi .jsonl index found",
                path=path,
                hint="Point at the data.jsonl file or the folder holding it",
            )
        seen: set[str] = set()
        for index in indexes:
            root = index.parent
            for number, line in enumerate(index.read_text(encoding="utf-8").splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    audio = Path(entry["path"])
                except (json.JSONDecodeError, KeyError, TypeError):
                    raise InputError(
                        f'line {number} is not a {{"path", "duration"}} JSON object', path=index
                    ) from None
                audio = audio if audio.is_absolute() else root / audio
                try:
                    item_id = audio.relative_to(root).with_suffix("").as_posix()
                except ValueError:
                    item_id = audio.stem
                if item_id in seen:
                    raise InputError(f"line {number} names the file '{item_id}' a second time", path=index)
                seen.add(item_id)
                yield {
                    "id": item_id,
                    "source": str(audio),
                    "sidecar": str(audio.with_suffix(".json")),
                    "duration": entry.get("duration"),
                }

    def load(self, item: SourceItem, audio_dir: Path) -> list[Cut]:
        path = Path(item["source"])
        info = probe_audio(path)
        sidecar = _read_sidecar(Path(item["sidecar"]))
        words = _parse_alignments(sidecar.get("alignments"))
        recording = Recording(
            id=item["id"],
            sources=[AudioSource(type="file", channels=list(range(info.channels)), source=str(path))],
            sampling_rate=info.samplerate,
            num_samples=info.frames,
            duration=info.frames / info.samplerate,
        )
        meta = sidecar.get(META_KEY)
        if isinstance(meta, dict) and meta.get("segments"):
            try:
                return _cuts_from_meta(recording, words, meta, path)
            except (KeyError, TypeError, ValueError, IndexError) as exc:
                raise ItemError(
                    "bad_alignments", f"the voxtune metadata in the sidecar is malformed ({exc})"
                ) from None
        return [_cut_from_turns(recording, words, path)]


Word = tuple[str, float, float, str]


def _read_sidecar(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ItemError("missing_alignments", f"no alignment file {path.name} next to the audio")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ItemError("bad_alignments", f"{path.name} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ItemError("bad_alignments", f"{path.name} does not hold a JSON object")
    return data


def _parse_alignments(entries: Any) -> list[Word]:
    if not isinstance(entries, list):
        raise ItemError("bad_alignments", 'the sidecar has no "alignments" list')
    words: list[Word] = []
    for entry in entries:
        try:
            word, (start, end), speaker = entry
            words.append((str(word), float(start), float(end), str(speaker)))
        except (TypeError, ValueError):
            raise ItemError("bad_alignments", f"cannot read alignment {entry!r}"[:160]) from None
    return words


def _alignment(words: list[Word]) -> dict[str, list[AlignmentItem]] | None:
    if not words:
        return None
    items = [AlignmentItem(symbol=w, start=s, duration=max(0.0, e - s)) for w, s, e, _ in words]
    return {fields.WORD_ALIGNMENT: items}


def _cuts_from_meta(recording: Recording, words: list[Word], meta: dict[str, Any], path: Path) -> list[Cut]:
    owners = [tuple(owner) for owner in meta.get("word_owners") or []]
    if len(owners) != len(words):
        raise ValueError(f"{len(owners)} word owners for {len(words)} words")
    cuts: list[Cut] = []
    for number, segment in enumerate(meta["segments"]):
        offset = float(segment["offset"])
        duration = min(float(segment["duration"]), recording.duration - offset)
        supervisions = []
        for sup_index, sup in enumerate(segment["supervisions"]):
            owned = [word for word, owner in zip(words, owners, strict=True) if owner == (number, sup_index)]
            supervisions.append(
                SupervisionSegment(
                    id=sup["id"],
                    recording_id=recording.id,
                    start=float(sup["start"]),
                    duration=float(sup["duration"]),
                    channel=sup["channel"],
                    text=sup.get("text"),
                    speaker=sup.get("speaker"),
                    language=sup.get("language"),
                    gender=sup.get("gender"),
                    custom=sup.get("custom"),
                    alignment=_alignment(owned),
                )
            )
        custom = dict(segment.get("custom") or {})
        custom[fields.SOURCE] = str(path)
        if meta.get("conversation"):
            custom[fields.CONVERSATION] = meta["conversation"]
        if segment["channel"] is None:
            custom[fields.CHANNEL_ROLES] = {"model": LEFT, "user": RIGHT}
            cuts.append(
                MultiCut(
                    id=segment["id"],
                    start=offset,
                    duration=duration,
                    channel=[LEFT, RIGHT],
                    recording=recording,
                    supervisions=supervisions,
                    custom=custom,
                )
            )
        else:
            cuts.append(
                MonoCut(
                    id=segment["id"],
                    start=offset,
                    duration=duration,
                    channel=int(segment["channel"]),
                    recording=recording,
                    supervisions=supervisions,
                    custom=custom,
                )
            )
    return cuts


def _cut_from_turns(recording: Recording, words: list[Word], path: Path) -> Cut:
    """A whole file as one cut, with one supervision per run of words by the same speaker label."""
    stereo = recording.num_channels == 2
    turns: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w[1], w[2])):
        if turns and turns[-1][-1][3] == word[3]:
            turns[-1].append(word)
        else:
            turns.append([word])
    supervisions = [
        SupervisionSegment(
            id=f"{recording.id}-{number:04d}",
            recording_id=recording.id,
            start=turn[0][1],
            duration=max(0.0, max(w[2] for w in turn) - turn[0][1]),
            channel=(LEFT if turn[0][3] == MAIN_SPEAKER else RIGHT) if stereo else LEFT,
            text=" ".join(w[0].strip() for w in turn if w[0].strip()),
            speaker=turn[0][3],
            alignment=_alignment(turn),
        )
        for number, turn in enumerate(turns)
    ]
    if not supervisions:
        supervisions = [
            SupervisionSegment(
                id=recording.id,
                recording_id=recording.id,
                start=0.0,
                duration=recording.duration,
                channel=[LEFT, RIGHT] if stereo else LEFT,
            )
        ]
    custom: dict[str, Any] = {fields.SOURCE: str(path)}
    if stereo:
        custom[fields.CHANNEL_ROLES] = {"model": LEFT, "user": RIGHT}
        return MultiCut(
            id=recording.id,
            start=0.0,
            duration=recording.duration,
            channel=[LEFT, RIGHT],
            recording=recording,
            supervisions=supervisions,
            custom=custom,
        )
    if recording.num_channels != 1:
        raise ItemError("channels", f"{recording.num_channels} channels; moshi files are mono or stereo")
    return MonoCut(
        id=recording.id,
        start=0.0,
        duration=recording.duration,
        channel=LEFT,
        recording=recording,
        supervisions=supervisions,
        custom=custom,
    )
