"""CTC forced alignment: the best frame path for a known token sequence, with star wildcards.

Written here because ``torchaudio.functional.forced_align`` is gone from recent torchaudio releases
(and torchaudio is unusable in our environment). Pure torch, vectorised over trellis states, looped
over frames, so it runs on whatever device the emissions live on.

Topology. Targets ``y_1..y_n`` become states ``blank, y_1, blank, y_2, ..., y_n, blank``. A path
may stay in a state, step to the next one, or skip over *optional* states (blanks, and stars) as
long as the two states it joins carry different labels, which is exactly the CTC rule that a
repeated token needs a blank in between.

Star. A :data:`STAR` in the targets is a wildcard for untranscribed speech, as in the star token of
the MMS data-alignment pipeline and the garbage token of OTC weakly supervised training. It scores
each frame by the max (or logsumexp) over the non-blank classes minus a penalty, may be skipped
entirely, and may alternate with the blank right after it: CTC emits untranscribed speech as
spikes separated by blanks, so the star pays the penalty per spike frame instead of forcing wrong
tokens or blanks onto those frames.

Memory. Backpointers take one byte per (frame, state). When that exceeds ``max_backpointer_bytes``
the trellis is run twice: a first pass keeps only the score vector every ``block`` frames, then the
blocks are re-run from those checkpoints, last block first, each keeping its backpointers just long
enough to be traced back. The path is the same; an hour of audio with its transcript needs a few
hundred MB instead of tens of GB.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch

from voxtune.align.errors import AlignmentError

STAR: int = -1
"""Put this in a target sequence where untranscribed speech may occur (see :class:`StarToken`)."""

DEFAULT_MAX_BACKPOINTER_BYTES = 256 * 2**20
SINGLE_THREAD_MAX_STATES = 32_768


@dataclass(frozen=True)
class StarToken:
    """How the star wildcard scores a frame: ``mode`` over non-blank log-probs, minus ``penalty``.

    With ``mode="max"`` and a positive penalty the star never beats the right token on the same
    frame, so it only takes frames the transcript cannot explain well. ``logsumexp`` is log(1 -
    p(blank)) and needs a larger penalty to stay out of transcribed speech.
    """

    mode: Literal["max", "logsumexp"] = "max"
    penalty: float = 1.0

    def __post_init__(self) -> None:
        if self.mode not in ("max", "logsumexp"):
            raise ValueError(f"star mode must be 'max' or 'logsumexp', not {self.mode!r}")
        if not math.isfinite(self.penalty):
            raise ValueError(f"star penalty must be a finite number of nats, not {self.penalty!r}")

    def frame_log_probs(self, log_probs: torch.Tensor, blank: int) -> torch.Tensor:
        """The star's log-prob on each frame, shape ``[T]``, from emissions ``[T, V]``."""
        non_blank = torch.cat([log_probs[:, :blank], log_probs[:, blank + 1 :]], dim=1)
        if non_blank.shape[1] == 0:
            raise ValueError("a star token needs at least one non-blank class in the emissions")
        pooled = non_blank.amax(dim=1) if self.mode == "max" else torch.logsumexp(non_blank, dim=1)
        return pooled - self.penalty


@dataclass(frozen=True)
class TokenSpan:
    """Where one target landed: frames ``[start, end)``, and its mean per-frame probability.

    A star that absorbed nothing has ``start == end`` (the frame where it would have begun) and
    score 0. A star's frames may be interleaved with blank frames; ``score`` averages only its own
    frames.
    """

    token: int
    start: int
    end: int
    score: float

    @property
    def num_frames(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class CtcAlignment:
    """The best path: a span per target (same order, stars included) and the path frame by frame."""

    spans: list[TokenSpan]
    frame_labels: torch.Tensor
    """``[T]`` int64: the class emitted on each frame: a vocab id, the blank id, or :data:`STAR`."""
    frame_targets: torch.Tensor
    """``[T]`` int64: index into the targets of each frame's token or star, -1 for blanks."""
    log_prob: float
    """Sum over frames of the log-prob of the path's label (star frames scored by the star rule)."""


def min_frames_needed(targets: Sequence[int]) -> int:
    """The fewest frames a CTC path for ``targets`` can take: a frame per token, a blank per repeat.

    Stars are optional, but two equal tokens separated only by a star still need a frame between
    them.
    """
    tokens = [t for t in targets if t != STAR]
    repeats = sum(1 for a, b in itertools.pairwise(tokens) if a == b)
    return len(tokens) + repeats


def ctc_forced_align(
    log_probs: torch.Tensor,
    targets: Sequence[int],
    *,
    blank: int = 0,
    star: StarToken = StarToken(),
    max_backpointer_bytes: int = DEFAULT_MAX_BACKPOINTER_BYTES,
) -> CtcAlignment:
    """Align ``targets`` (vocab ids, :data:`STAR` for wildcards) to emissions ``log_probs [T, V]``.

    Raises :class:`AlignmentError` ``target_too_long`` when the targets cannot fit in ``T`` frames
    and ``no_path`` when every path has probability zero. ``star`` is used only where targets hold
    STAR.
    """
    if log_probs.ndim != 2:
        raise ValueError(f"log_probs must be [frames, classes], got shape {tuple(log_probs.shape)}")
    num_frames, num_classes = log_probs.shape
    if not 0 <= blank < num_classes:
        raise ValueError(f"blank id {blank} is outside the {num_classes} classes")
    targets = [int(t) for t in targets]
    for a, b in itertools.pairwise(targets):
        if a == STAR and b == STAR:
            raise ValueError("targets hold two STARs in a row; one star already absorbs any length")
    bad = sorted({t for t in targets if t != STAR and (t == blank or not 0 <= t < num_classes)})
    if bad:
        raise ValueError(f"target ids {bad} are the blank or outside the {num_classes} classes")
    if torch.isnan(log_probs).any():
        raise ValueError("log_probs contain NaN")
    needed = min_frames_needed(targets)
    if num_frames < needed:
        raise AlignmentError(
            "target_too_long",
            f"the transcript needs at least {needed} frames but the audio gives {num_frames}",
            frames=num_frames,
            frames_needed=needed,
        )

    if not log_probs.is_floating_point() or log_probs.dtype in (torch.float16, torch.bfloat16):
        log_probs = log_probs.float()
    emissions = log_probs
    if STAR in targets:
        star_column = star.frame_log_probs(log_probs, blank)
        emissions = torch.cat([log_probs, star_column[:, None]], dim=1)
    graph = _Graph.build(targets, blank=blank, star_column=num_classes, device=emissions.device)

    with _few_threads_for_small_steps(emissions.device, graph.num_states):
        states, best = _best_state_path(emissions, graph, max_backpointer_bytes)
    if not math.isfinite(best):
        raise AlignmentError(
            "no_path",
            "every alignment path has zero probability (the emissions rule out a required token)",
        )
    return _describe_path(states, emissions, graph, targets, blank, best)


@dataclass(frozen=True)
class _Graph:
    """The trellis states and which predecessor offsets each may use."""

    labels: torch.Tensor  # [S] column of the (star-extended) emission matrix each state emits
    max_skip: int  # largest forward jump; predecessor offsets run max_skip, ..., 0, -back_steps
    back_steps: int  # 1 when a star may return from the blank after it, else 0
    # [offsets, S]: 0 where state j may come from state j - offset, -inf where it may not
    transition_bias: torch.Tensor
    start_bias: torch.Tensor  # [S]: 0 where a path may begin
    end_bias: torch.Tensor  # [S]: 0 where a path may end

    @classmethod
    def build(cls, targets: list[int], *, blank: int, star_column: int, device: torch.device) -> _Graph:
        labels = [blank]
        for token in targets:
            labels += [star_column if token == STAR else token, blank]
        num_states = len(labels)
        optional = [label in (blank, star_column) for label in labels]

        allowed: list[tuple[int, int]] = []  # (state j, offset d): j may follow state j - d
        for j in range(num_states):
            allowed.append((j, 0))
            for offset in range(1, j + 1):
                if offset >= 2 and not optional[j - offset + 1]:
                    break  # cannot jump over a token
                if labels[j - offset] != labels[j]:
                    allowed.append((j, offset))
            if labels[j] == star_column:
                allowed.append((j, -1))  # star <-> the blank after it, for spikes between blanks
        max_skip = max(1, *(offset for _, offset in allowed))
        back_steps = -min(offset for _, offset in allowed)

        bias = np.full((max_skip + back_steps + 1, num_states), -np.inf)
        rows_cols = np.array(allowed)
        bias[max_skip - rows_cols[:, 1], rows_cols[:, 0]] = 0.0

        mandatory = [j for j in range(num_states) if not optional[j]]
        first_mandatory = mandatory[0] if mandatory else num_states - 1
        last_mandatory = mandatory[-1] if mandatory else 0
        state_index = np.arange(num_states)
        start = np.where(state_index <= first_mandatory, 0.0, -np.inf)
        end = np.where(state_index >= last_mandatory, 0.0, -np.inf)
        return cls(
            labels=torch.tensor(labels, dtype=torch.long, device=device),
            max_skip=max_skip,
            back_steps=back_steps,
            transition_bias=torch.from_numpy(bias).to(device),
            start_bias=torch.from_numpy(start).to(device),
            end_bias=torch.from_numpy(end).to(device),
        )

    @property
    def num_states(self) -> int:
        return int(self.labels.shape[0])


_thread_lock = threading.Lock()
_single_threaded_loops = 0
_saved_thread_count = 0


@contextmanager
def _few_threads_for_small_steps(device: torch.device, num_states: int) -> Iterator[None]:
    """Run the frame loop single-threaded on CPU when each step is small.

    Each step touches a few thousand numbers; splitting that over threads costs more than it saves
    (measured 5x slower with two busy cores), so the process-wide torch thread count is lowered
    while any such loop runs and restored when the last one ends.
    """
    global _single_threaded_loops, _saved_thread_count
    if device.type != "cpu" or num_states > SINGLE_THREAD_MAX_STATES:
        yield
        return
    with _thread_lock:
        if _single_threaded_loops == 0:
            _saved_thread_count = torch.get_num_threads()
            torch.set_num_threads(1)
        _single_threaded_loops += 1
    try:
        yield
    finally:
        with _thread_lock:
            _single_threaded_loops -= 1
            if _single_threaded_loops == 0:
                torch.set_num_threads(_saved_thread_count)


def _best_state_path(
    emissions: torch.Tensor, graph: _Graph, max_backpointer_bytes: int
) -> tuple[np.ndarray, float]:
    """Viterbi over the trellis; returns the state index per frame and the best total log-prob."""
    num_frames = emissions.shape[0]
    dtype = emissions.dtype
    bias = graph.transition_bias.to(dtype)
    pad_left = torch.full((graph.max_skip,), -math.inf, dtype=dtype, device=emissions.device)
    pad_right = torch.full((graph.back_steps,), -math.inf, dtype=dtype, device=emissions.device)
    num_states = graph.num_states

    def advance(score: torch.Tensor, frame: int) -> tuple[torch.Tensor, torch.Tensor]:
        padded = torch.cat([pad_left, score, pad_right])
        # row i of the window is the score vector shifted by offset max_skip - i
        candidates = padded.unfold(0, num_states, 1) + bias
        best, choice = candidates.max(dim=0)
        return best + emissions[frame].index_select(0, graph.labels), choice

    score = emissions[0].index_select(0, graph.labels) + graph.start_bias.to(dtype)
    block = max(1, max_backpointer_bytes // max(1, num_states))
    steps = num_frames - 1
    checkpoints = [score]
    if steps > block:  # first pass: keep only a score vector every `block` frames
        running = score
        for frame in range(1, num_frames - 1):
            running, _ = advance(running, frame)
            if frame % block == 0:
                checkpoints.append(running)

    states = np.empty(num_frames, dtype=np.int64)
    current: int | None = None
    best_total = math.nan
    for index in range(len(checkpoints) - 1, -1, -1):
        first = index * block  # frame whose score the checkpoint holds
        last = min(first + block, num_frames - 1)
        pointers = torch.empty((last - first, num_states), dtype=torch.uint8, device=emissions.device)
        running = checkpoints[index]
        for frame in range(first + 1, last + 1):
            running, choice = advance(running, frame)
            pointers[frame - first - 1] = choice.to(torch.uint8)
        if current is None:  # the last block ends on the last frame
            ends = running + graph.end_bias.to(dtype)
            best_total = float(ends.max())
            current = int(ends.argmax())
        states[last] = current
        back = pointers.cpu().numpy()
        for frame in range(last, first, -1):
            current = current - graph.max_skip + int(back[frame - first - 1, current])
            states[frame - 1] = current
    return states, best_total


def _describe_path(
    states: np.ndarray,
    emissions: torch.Tensor,
    graph: _Graph,
    targets: list[int],
    blank: int,
    best: float,
) -> CtcAlignment:
    num_frames = states.shape[0]
    num_states = graph.num_states
    states_on_device = torch.from_numpy(states).to(emissions.device)
    frame_log_probs = (
        emissions[torch.arange(num_frames, device=emissions.device), graph.labels[states_on_device]]
        .double()
        .cpu()
        .numpy()
    )

    counts = np.bincount(states, minlength=num_states)
    prob_sums = np.bincount(states, weights=np.exp(frame_log_probs), minlength=num_states)
    first_frame = np.full(num_states, -1)
    last_frame = np.full(num_states, -1)
    visited, first_seen = np.unique(states, return_index=True)
    first_frame[visited] = first_seen
    visited, last_seen_reversed = np.unique(states[::-1], return_index=True)
    last_frame[visited] = num_frames - 1 - last_seen_reversed
    reached = np.maximum.accumulate(states)

    spans = []
    for index, token in enumerate(targets):
        state = 2 * index + 1
        if counts[state]:
            start, end = int(first_frame[state]), int(last_frame[state]) + 1
            score = float(prob_sums[state] / counts[state])
        else:  # a skipped star sits where the path moved past it
            start = end = int(np.searchsorted(reached, state, side="right"))
            score = 0.0
        spans.append(TokenSpan(token=token, start=start, end=end, score=score))

    target_of_state = np.where(np.arange(num_states) % 2 == 1, (np.arange(num_states) - 1) // 2, -1)
    token_of_state = np.array([blank] + [t for token in targets for t in (token, blank)], dtype=np.int64)
    return CtcAlignment(
        spans=spans,
        frame_labels=torch.from_numpy(token_of_state[states]),
        frame_targets=torch.from_numpy(target_of_state[states].astype(np.int64)),
        log_prob=best,
    )
