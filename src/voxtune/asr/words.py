"""Group Whisper's byte-level BPE tokens, each with a time, into words with time spans.

The rules are OpenAI Whisper's (and transformers' ASR pipeline's, whose helpers are private):

* a token's span runs from the previous token's time to its own;
* tokens are joined until they decode to whole characters (a Telugu letter is several byte tokens);
  bytes that never form a character stay a unit of their own;
* a unit starting with a space, or made of one ASCII punctuation run, starts a new word; others
  continue the word before;
* opening punctuation after a space (``"'“¡¿([{-``) joins the next word, closing punctuation
  (``"'.。,，!！?？:：”)]}、``) the word before;
* words never span a timestamp or special token (Whisper's segments).

The tests check the result against transformers' pipeline with ``return_timestamps="word"``.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from voxtune.asr.transcript import Word

REPLACEMENT = "\ufffd"
PREPEND_PUNCTUATION = "\"'“¡¿([{-"
APPEND_PUNCTUATION = "\"'.。,，!！?？:：”)]}、"


@dataclass
class _Group:
    text: str
    spans: list[tuple[float, float]] = field(default_factory=list)


def token_spans(token_times: Sequence[float]) -> list[tuple[float, float]]:
    """Each token's span: from the previous token's time (0 for the first) to its own."""
    spans: list[tuple[float, float]] = []
    previous = 0.0
    for time in token_times:
        spans.append((float(previous), float(time)))
        previous = float(time)
    return spans


def _text_runs(token_ids: Sequence[int], is_text: Callable[[int], bool]) -> list[list[int]]:
    """Indices of consecutive text tokens, split at every special or timestamp token."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index, token in enumerate(token_ids):
        if is_text(token):
            current.append(index)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _unicode_units(
    indices: list[int], token_ids: Sequence[int], decode: Callable[[list[int]], str]
) -> list[tuple[str, list[int]]]:
    """Split a run of tokens where the decoded text has whole characters."""
    full = decode([token_ids[i] for i in indices])
    units: list[tuple[str, list[int]]] = []
    current: list[int] = []
    offset = 0
    for index in indices:
        current.append(index)
        decoded = decode([token_ids[i] for i in current])
        bad = decoded.find(REPLACEMENT)
        if bad < 0 or offset + bad >= len(full) or full[offset + bad] == REPLACEMENT:
            units.append((decoded, current))
            current = []
            offset += len(decoded)
    if current:
        units.append((decode([token_ids[i] for i in current]), current))
    return units


def _merge_punctuation(groups: list[_Group]) -> list[_Group]:
    for i in range(len(groups) - 2, -1, -1):  # opening marks join the next word
        word, after = groups[i], groups[i + 1]
        if word.text.startswith(" ") and word.text.strip() in PREPEND_PUNCTUATION:
            after.text = word.text + after.text
            after.spans = word.spans + after.spans
            word.text, word.spans = "", []
            groups[i], groups[i + 1] = after, word
    kept = [group for group in groups if group.text]
    merged: list[_Group] = []
    for group in kept:  # closing marks join the word before
        if merged and not merged[-1].text.endswith(" ") and group.text in APPEND_PUNCTUATION:
            merged[-1].text += group.text
            merged[-1].spans += group.spans
        else:
            merged.append(group)
    return merged


def tokens_to_words(
    token_ids: Sequence[int],
    token_times: Sequence[float],
    *,
    is_text: Callable[[int], bool],
    decode: Callable[[list[int]], str],
) -> list[Word]:
    """Words with (start, end) from generated token ids and the time of each token in seconds.

    ``is_text`` tells text tokens from special and timestamp tokens; ``decode`` turns token ids into
    text (the tokenizer's ``decode``).
    """
    if len(token_ids) != len(token_times):
        raise ValueError(f"{len(token_ids)} tokens but {len(token_times)} token times")
    spans = token_spans(token_times)
    words: list[Word] = []
    for run in _text_runs(token_ids, is_text):
        groups: list[_Group] = []
        for text, indices in _unicode_units(run, token_ids, decode):
            unit_spans = [spans[i] for i in indices]
            starts_word = text.startswith(" ") or text.strip() in string.punctuation
            if starts_word or not groups:
                groups.append(_Group(text, unit_spans))
            else:
                groups[-1].text += text
                groups[-1].spans += unit_spans
        for group in _merge_punctuation(groups):
            if group.text.strip():
                words.append(Word(group.text.strip(), group.spans[0][0], group.spans[-1][1]))
    return words


def tidy_word_times(words: Sequence[Word], duration: float) -> list[Word]:
    """Words clipped to ``[0, duration]``, each starting no earlier than the one before ends.

    Whisper's alignment can overshoot the clip inside its padded 30 s window, and consecutive
    long-form windows can overlap by a few frames; training data wants ordered, non-overlapping words.
    """
    tidy: list[Word] = []
    previous_end = 0.0
    for word in words:
        start = min(max(word.start, previous_end), duration)
        end = min(max(word.end, start), duration)
        tidy.append(Word(word.text, round(start, 3), round(end, 3), word.probability))
        previous_end = end
    return tidy
