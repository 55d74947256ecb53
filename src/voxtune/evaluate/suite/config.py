"""The evaluation config (``voxtune evaluate EVAL.yaml``): models, items, judges and metrics.

Relative paths are read relative to the YAML file, as in every voxtune config. A minimal config::

    name: nordic-v1
    model: {base: sesame/csm-1b}
    adapters: [runs/nordic]          # a run folder (every adapter it trained) or adapter folders
    corpus: corpus                   # its test split is synthesised (TTS) or transcribed (STT)
    judges:
      asr: {en: pocketsphinx, "*": "whisper:openai/whisper-large-v3"}
    regression: {language: en, sentences: ["The weather is nice today."]}
    confusion: {adapters: [nb, sv, da]}
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from voxtune.config import RecipePath, StrictModel, load_yaml, validate

METRIC_NAMES = (
    "wer",
    "cer",
    "mcd",
    "f0",
    "speaker",
    "dnsmos",
    "utmos",
    "duration",
    "language_id",
    "emotion",
    "latency",
)
"""Metric groups a config may ask for (``f0`` gives RMSE, V/UV error and correlation; ``dnsmos`` gives
OVRL/SIG/BAK; ``latency`` gives seconds per item and real-time factor)."""


def _beside_config(value: str, info: ValidationInfo) -> str:
    """A model reference relative to the YAML file becomes an absolute folder when it exists there."""
    base_dir = (info.context or {}).get("base_dir")
    candidate = Path(value).expanduser()
    if base_dir is not None and not candidate.is_absolute() and (Path(base_dir) / candidate).exists():
        return str((Path(base_dir) / candidate).absolute())
    return value


class BaseModelSpec(StrictModel):
    base: str
    """Hub id or a local folder (a relative folder beside the YAML wins over a hub id)."""
    family: str | None = None
    """Model family; detected from config.json when left out."""
    revision: str | None = None
    device: Literal["auto", "cpu", "cuda"] = "auto"
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    """``auto``: bfloat16 on a GPU that supports it, else float32."""

    @field_validator("base")
    @classmethod
    def _local_folder(cls, value: str, info: ValidationInfo) -> str:
        return _beside_config(value, info)


class AdapterSpec(StrictModel):
    """One adapter folder, or a run folder whose every adapter is evaluated, with optional overrides."""

    path: RecipePath
    name: str | None = None
    """Name in the report (default: the adapter's own name from voxtune_adapter.json)."""
    languages: list[str] | None = None
    """Test items it is evaluated on (default: the languages it was trained on)."""


class JudgesSpec(StrictModel):
    asr: dict[str, str] = {}
    """ASR judge per language (``*`` for every other): ``pocketsphinx`` (English language model),
    ``pocketsphinx-digits`` (English digit grammar) or ``whisper:<hub id or folder>``."""
    language_id: str | None = None
    """Audio language-ID model (transformers audio classification, e.g. an MMS-LID model)."""
    text_language_id: bool = True
    """When no audio language-ID model is given, detect the language of ASR transcripts with lingua."""
    speaker: str = "resemblyzer"
    """``resemblyzer`` (offline) or ``xvector:<hub id or folder>``."""
    aligner: str | None = None
    """CTC model (hub id or folder) aligning words in reference and generated audio for duration MAE."""
    utmos: RecipePath | None = None
    """Local UTMOS TorchScript file (English-trained; a rough signal elsewhere)."""
    emotion: str | None = None
    """Emotion classifier (transformers audio classification) for emotion accuracy."""
    emotion_aliases: dict[str, str] = {}
    device: Literal["auto", "cpu", "cuda"] = "auto"

    @field_validator("language_id", "aligner", "emotion")
    @classmethod
    def _local_model(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _beside_config(value, info)

    @field_validator("asr")
    @classmethod
    def _local_whisper(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        resolved = {}
        for language, spec in value.items():
            kind, sep, model = spec.partition(":")
            resolved[language] = f"{kind}:{_beside_config(model, info)}" if sep else spec
        return resolved

    @field_validator("speaker")
    @classmethod
    def _local_speaker_model(cls, value: str, info: ValidationInfo) -> str:
        kind, sep, model = value.partition(":")
        return f"{kind}:{_beside_config(model, info)}" if sep else value


class RegressionSpec(StrictModel):
    """Sentences in the base model's language that every adapter must still say well."""

    language: str = "en"
    sentences: list[str] = []
    file: RecipePath | None = None
    """A UTF-8 text file, one sentence per line (added to ``sentences``)."""
    speaker: str | None = None

    @model_validator(mode="after")
    def _some_sentences(self) -> RegressionSpec:
        if not self.sentences and self.file is None:
            raise ValueError("regression: give sentences or a file of sentences")
        return self


class ConfusionSpec(StrictModel):
    """A language confusion matrix: each listed adapter speaks sentences of its own language and a
    language-ID judge says which language it heard."""

    adapters: list[str] = Field(..., min_length=2)
    """Adapter names (as in the report), each trained on exactly one language (or given in ``languages``)."""
    languages: dict[str, str] = {}
    """Adapter name -> language, for adapters whose metadata lists several."""
    sentences: dict[str, list[str]] = {}
    """Language -> sentences; default: texts of the corpus's items in that language (test split first)."""
    per_language: int = Field(6, gt=0)
    """Sentences per language taken from the corpus when ``sentences`` does not give them."""
    speakers: dict[str, str] = {}
    """Language -> speaker used for its sentences; default: a speaker of that language in the corpus."""


class BootstrapSpec(StrictModel):
    resamples: int = Field(5000, ge=100)
    confidence: float = Field(0.95, gt=0.5, lt=1.0)


class ReportSpec(StrictModel):
    samples: int = Field(6, ge=0)
    """Items shown with audio players, mel spectrograms and F0 contours."""
    max_audio_seconds: float = Field(15.0, gt=0)


class EvalConfig(StrictModel):
    name: str = Field(..., pattern=r"^[A-Za-z0-9_.-]+$")
    """Outputs go to ``OUTPUT/NAME`` (metrics.json, report.html, samples/)."""
    output: RecipePath = Field(Path("eval"), validate_default=True)
    model: BaseModelSpec
    adapters: list[AdapterSpec | RecipePath] = []
    """Adapter folders or run folders (``runs/NAME``: every adapter of its summary.json)."""
    corpus: RecipePath | None = None
    split: str | None = "test"
    """Corpus split evaluated; ``null``: every item (say so when they were trained on)."""
    languages: list[str] | None = None
    """Only test items in these languages."""
    max_items: int | None = Field(None, gt=0)
    """At most this many test items, taken round-robin over languages (deterministic)."""
    max_items_per_language: int | None = Field(None, gt=0)
    seed: int = 0
    """Generation seed (the same for every system, so base and adapter sample alike)."""
    family: dict[str, object] = {}
    """Generation settings overriding the family's defaults and each adapter's saved settings
    (CSM: temperature, top_k, max_seconds, ...)."""
    metrics: list[str] | None = None
    """Metric groups to compute (see METRIC_NAMES); default: every one whose judge is available."""
    judges: JudgesSpec = JudgesSpec()
    regression: RegressionSpec | None = None
    confusion: ConfusionSpec | None = None
    bootstrap: BootstrapSpec = BootstrapSpec()
    report: ReportSpec = ReportSpec()
    cpu_threads: int | None = Field(None, gt=0)

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        unknown = [m for m in value if m not in METRIC_NAMES]
        if unknown:
            raise ValueError(f"unknown metrics {unknown}; known: {', '.join(METRIC_NAMES)}")
        return value

    @model_validator(mode="after")
    def _something_to_evaluate(self) -> EvalConfig:
        if self.corpus is None and self.regression is None and self.confusion is None:
            raise ValueError("give a corpus (its test split), a regression set or a confusion set")
        return self

    def adapter_specs(self) -> list[AdapterSpec]:
        return [a if isinstance(a, AdapterSpec) else AdapterSpec(path=a) for a in self.adapters]

    def wants(self, metric: str) -> bool:
        return self.metrics is None or metric in self.metrics

    @property
    def run_dir(self) -> Path:
        return Path(self.output) / self.name


def load_eval_config(path: str | Path) -> EvalConfig:
    """Read and validate an evaluation YAML; errors name the field (and the nearest correct name)."""
    path = Path(path)
    data = load_yaml(path)
    return validate(EvalConfig, data, where="evaluation config", path=path, base_dir=path.parent.absolute())
