"""The training config: one YAML file naming the base model, the corpus, and a list of stages.

Relative paths are read relative to the YAML file. A hub id (``sesame/csm-1b``) and a local model folder
are both accepted for ``model.base``; a relative folder that exists beside the YAML wins over a hub id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from voxtune.config import RecipePath, StrictModel, load_yaml, validate


class ModelSpec(StrictModel):
    base: str
    """Hub id (``sesame/csm-1b``) or a local folder saved with ``save_pretrained``."""
    family: str | None = None
    """Model family (``csm``); detected from the model's config.json when left out."""
    revision: str | None = None
    """Hub branch, tag or commit to pin."""
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    """Weights' dtype when loaded; ``auto``: bfloat16 for bf16 training on a GPU, else float32."""
    quantization: Literal["4bit", "8bit"] | None = None
    """Load the frozen base in 4 or 8 bits (bitsandbytes, CUDA only): QLoRA."""

    @field_validator("base")
    @classmethod
    def _local_folder_beside_config(cls, value: str, info: ValidationInfo) -> str:
        """A relative folder is read beside the YAML: one that exists there, or anything that cannot
        be a hub id (``owner/name``), such as ``tiny-csm`` or ``./models/x``."""
        base_dir = (info.context or {}).get("base_dir")
        candidate = Path(value).expanduser()
        if base_dir is None or candidate.is_absolute():
            return str(candidate) if value.startswith("~") else value
        beside = Path(base_dir) / candidate
        if beside.exists() or value.startswith(".") or value.count("/") != 1:
            return str(beside.absolute())
        return value


class LoraSpec(StrictModel):
    r: int = Field(16, gt=0)
    alpha: float = Field(32.0, gt=0)
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    targets: str | list[str] | None = None
    """peft ``target_modules``: a regex matched against full module names, or a list of name
    suffixes; default: the family's (which never includes the codec)."""
    use_rslora: bool = False
    use_dora: bool = False
    train_modules: list[str] = []
    """Modules trained in full beside the LoRA layers (peft ``modules_to_save``), e.g.
    ``embed_text_tokens`` for a script the base model has barely seen."""


class OptimizerSpec(StrictModel):
    lr: float = Field(1e-4, gt=0)
    weight_decay: float = Field(0.0, ge=0)
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = Field(1e-8, gt=0)


class ScheduleSpec(StrictModel):
    kind: Literal["cosine", "linear", "constant"] = "cosine"
    warmup_steps: int = Field(0, ge=0)
    restarts: int = Field(0, ge=0)
    """Cosine only: hard restarts within a stage (the lr jumps back up ``restarts`` times)."""
    min_lr_ratio: float = Field(0.0, ge=0.0, lt=1.0)
    """Cosine only (without restarts): the lr decays to this fraction of the peak, not to 0."""

    @model_validator(mode="after")
    def _restarts_or_floor(self) -> ScheduleSpec:
        if self.restarts and self.min_lr_ratio:
            raise ValueError("schedule: use either restarts or min_lr_ratio, not both")
        return self


class BatchingSpec(StrictModel):
    max_tokens: int = Field(4096, gt=0)
    """Cap on batch size x longest item (positions including padding) per micro-batch."""
    max_batch_size: int = Field(32, gt=0)
    bucketing: bool = True
    """Group items of similar length so batches carry little padding."""
    buckets: int = Field(10, gt=0)
    grad_accum: int = Field(1, gt=0)
    """Micro-batches per optimizer step."""


class EvalSpec(StrictModel):
    every: int = Field(200, ge=0)
    """Evaluate on the validation split every N steps (0: only at the end of each stage)."""
    validation_fraction: float = Field(0.05, gt=0.0, lt=1.0)
    """When the corpus has no ``split`` field: the fraction of each stage's items held out."""
    max_items: int | None = Field(None, gt=0)
    """Evaluate on at most this many validation items (the same ones every time)."""
    patience: int | None = Field(None, gt=0)
    """Early stopping: end the stage after this many evaluations without improvement."""
    min_delta: float = Field(0.0, ge=0.0)


class CheckpointSpec(StrictModel):
    every: int = Field(500, ge=0)
    """Save a periodic checkpoint every N steps (0: none besides best and final)."""
    keep_best: int = Field(2, ge=0)
    """Keep the k checkpoints with the lowest validation loss."""
    keep_last: int = Field(1, ge=0)
    """Keep the k most recent periodic checkpoints."""
    select: Literal["best", "last"] = "best"
    """Which weights a stage's adapter is exported with (and the next stage continues from)."""


class SampleSpec(StrictModel):
    text: str
    speaker: str | None = None
    language: str | None = None


class LoggingSpec(StrictModel):
    every: int = Field(10, gt=0)
    report_to: list[Literal["tensorboard", "wandb"]] | Literal["auto"] = "auto"
    """``auto``: TensorBoard, plus wandb when it is installed and logged in (WANDB_API_KEY)."""
    samples_every: int = Field(0, ge=0)
    """Generate audio samples (and mel images) every N steps; 0: only at the end of each stage."""
    samples_at_end: bool = True
    samples: list[SampleSpec] = []
    """Sentences to synthesise; default: the first ``sample_count`` validation items of the stage."""
    sample_count: int = Field(2, ge=0)


class DataFilter(StrictModel):
    """Which corpus items a stage trains on; every condition given must hold."""

    languages: list[str] | None = None
    """Item language (supervision.language) is one of these."""
    exclude_languages: list[str] = []
    speakers: list[str] | None = None
    exclude_speakers: list[str] = []
    single_language: bool | None = None
    """Only items whose words are in one language (needs the language-tags fields)."""
    max_languages: int | None = Field(None, gt=0)
    """At most this many languages in one item (needs supervision.custom["languages"])."""
    min_switches: int | None = Field(None, ge=0)
    """At least this many language switches (code-switching; needs supervision.custom["switches"])."""
    has_particles: bool | None = None
    """Items with (true) or without (false) discourse particles (needs supervision.custom["particles"])."""
    synthetic: bool | None = None
    """Synthetic (true) or real (false) speech only, from cut.custom["synthetic"]."""
    min_duration: float | None = Field(None, ge=0)
    max_duration: float | None = Field(None, gt=0)

    def describe(self) -> str:
        given = self.model_dump(exclude_defaults=True)
        return ", ".join(f"{k}={v}" for k, v in given.items()) or "all items"


class MixSource(StrictModel):
    filter: DataFilter = DataFilter()
    weight: float = Field(..., gt=0)
    """Share of the stage's batches drawn from these items (weights are normalised)."""


class StageSpec(StrictModel):
    name: str = Field(..., pattern=r"^[A-Za-z0-9_.{}-]+$")
    filter: DataFilter = DataFilter()
    mix: list[MixSource] | None = None
    """Draw items from several filtered pools in proportion (within ``filter``)."""
    each_language: list[str] | None = None
    """Expand into one stage per language (``NAME-xx``), each filtered to that language and
    training the adapter ``adapter`` with ``{language}`` filled in (default ``{language}``)."""
    steps: int = Field(..., gt=0)
    lr: float | None = Field(None, gt=0)
    warmup_steps: int | None = Field(None, ge=0)
    loss_weights: dict[str, float] = {}
    """Weights of the family's loss parts (CSM: backbone, depth)."""
    token_weights: dict[str, float] = {}
    """Loss weight of tokens carrying a tag (CSM: ``particle`` frames, from word timings)."""
    adapter: str | None = None
    """The adapter this stage trains: the previous stage's when left out (so it continues);
    a new name starts a new adapter on the base model."""
    init_from: str | None = None
    """Start a new adapter as a copy of one trained earlier in this run."""
    family: dict[str, Any] = {}
    """Overrides of the run's ``family`` settings for this stage."""


class TrainConfig(StrictModel):
    name: str = Field(..., pattern=r"^[A-Za-z0-9_.-]+$")
    """Run name: outputs go to ``OUTPUT/NAME``."""
    model: ModelSpec
    corpus: RecipePath
    """Corpus folder written by `voxtune prepare`."""
    output: RecipePath = Field(Path("runs"), validate_default=True)
    seed: int = 0
    device: Literal["auto", "cpu", "cuda"] = "auto"
    precision: Literal["auto", "fp32", "bf16", "fp16"] = "auto"
    """``auto``: bf16 where the GPU supports it, else fp32."""
    method: Literal["lora", "full"] = "lora"
    lora: LoraSpec = LoraSpec()
    optimizer: OptimizerSpec = OptimizerSpec()
    schedule: ScheduleSpec = ScheduleSpec()
    batching: BatchingSpec = BatchingSpec()
    eval: EvalSpec = EvalSpec()
    checkpoints: CheckpointSpec = CheckpointSpec()
    logging: LoggingSpec = LoggingSpec()
    grad_clip: float | None = Field(1.0, gt=0)
    gradient_checkpointing: bool = False
    codec_cache: RecipePath | None = None
    """Where codec codes are cached (default: $VOXTUNE_CACHE_DIR/codes or ~/.cache/voxtune/codes)."""
    cpu_threads: int | None = Field(None, gt=0)
    """torch CPU threads; 1 is fastest for tiny models and on shared machines."""
    family: dict[str, Any] = {}
    """Family settings (CSM: depth_decoder_ratio, language_tag, speaker_ids, context_turns, ...)."""
    stages: list[StageSpec] = Field(..., min_length=1)


def load_train_config(path: str | Path) -> TrainConfig:
    """Read and validate a training YAML; errors name the field (and the nearest correct name)."""
    path = Path(path)
    data = load_yaml(path)
    return validate(TrainConfig, data, where="training config", path=path, base_dir=path.parent.absolute())
