"""What a prepare stage is: a named, configured step that maps items to items.

Three shapes cover every stage:

* ``SourceStage`` finds input items (files, manifest rows, URLs) and turns each into cuts;
* ``ItemStage`` maps one cut to zero, one or several cuts (clean, score, segment, transcribe, ...),
  optionally followed by a ``finalize`` pass over the whole output (e.g. link speakers across files);
* ``CorpusStage`` looks at the whole corpus at once (splits).

Stages are pure with respect to the runner: they never write manifests or the ledger, never decide
about parallelism or resume. They return cuts, and reject an item by raising ``voxtune.errors.ItemError``
(or returning a ``Rejection`` for one of several outputs).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from lhotse import CutSet
from lhotse.cut import Cut

from voxtune.config import StrictModel
from voxtune.corpus.ledger import Rejection

SourceItem = dict[str, Any]
"""An input item found by a source stage: JSON-able, with at least ``id`` and ``source``."""

StageOutput = Cut | Sequence[Cut | Rejection]


class StageConfig(StrictModel):
    """Base of every stage's settings; a recipe entry is validated against its stage's subclass."""


@dataclass(frozen=True)
class StageContext:
    """Where a stage may write, and facts about the run it is part of."""

    corpus_dir: Path
    work_dir: Path
    """This stage's private folder (caches, models it downloads)."""
    audio_dir: Path
    """Where the stage writes audio files it creates; wiped when the stage is redone."""
    index: int
    workers: int
    seed: int


class Stage(ABC):
    """Common part of all stages: a registry name, a config class and a cache version."""

    name: ClassVar[str]
    config_class: ClassVar[type[StageConfig]] = StageConfig
    version: ClassVar[str] = "1"
    """Bump when the stage's output changes for the same config, so cached results are redone."""
    torch_threads: ClassVar[int | None] = None
    """Intra-op threads torch should use while this stage runs (1 for small models such as the VAD,
    which run several times faster single-threaded); None leaves the executor's setting."""

    def __init__(self, config: StageConfig, context: StageContext):
        self.config = config
        self.context = context

    def setup(self) -> None:  # noqa: B027 - optional hook
        """Load models or tables once per worker process, before the first item."""


class SourceStage(Stage):
    """Finds input items and loads each one into cuts."""

    @abstractmethod
    def discover(self) -> Iterator[SourceItem]:
        """Yield the input items in a deterministic order (cheap: list, do not decode)."""

    @abstractmethod
    def load(self, item: SourceItem) -> StageOutput:
        """Turn one input item into cuts; raise ItemError to reject it."""


class ItemStage(Stage):
    """Maps one cut to cuts; runs in parallel on the executor.

    A stage that runs a model on batches (transcription, classification) sets :attr:`batch_size`
    above 1 and overrides :meth:`process_batch`; the runner then hands it up to that many cuts of a
    chunk at a time.
    """

    batch_size: int = 1

    @abstractmethod
    def process(self, cut: Cut) -> StageOutput:
        """Return the cut (changed or not), several cuts, or raise ItemError to reject it."""

    def process_batch(self, cuts: Sequence[Cut]) -> list[StageOutput | Exception]:
        """Process several cuts at once: one entry per cut, in order, its output or the error rejecting it.

        The default calls :meth:`process` on each; an ``ItemError`` in the list rejects that cut only.
        """
        results: list[StageOutput | Exception] = []
        for cut in cuts:
            try:
                results.append(self.process(cut))
            except Exception as error:
                results.append(error)
        return results

    def finalize(self, cuts: CutSet) -> Iterator[Cut | Rejection]:
        """Optional whole-corpus pass after ``process`` (same ids in, each kept or rejected once)."""
        yield from cuts

    @classmethod
    def has_finalize(cls) -> bool:
        return cls.finalize is not ItemStage.finalize


class CorpusStage(Stage):
    """Sees the whole corpus at once; runs in the main process."""

    @abstractmethod
    def run(self, cuts: CutSet) -> Iterator[Cut | Rejection]:
        """Yield every input cut (possibly changed) or a Rejection for it, once each."""
