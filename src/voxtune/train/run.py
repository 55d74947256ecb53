"""A training run: load the base model and the corpus, plan the stages, and train them in turn.

Layout of ``OUTPUT/NAME/``::

    run.json                 the config fingerprint and each finished stage's result (resume reads it)
    summary.json             stages, adapters and final metrics, written at the end
    config.yaml              the config as it ran (defaults filled in)
    rejected.jsonl           items the run could not train on, with the reason
    split.json               the validation items (held out, or the corpus's own split)
    adapters/STAGE/          each stage's adapter (peft format) + voxtune_adapter.json
    checkpoints/STAGE/       best-k, periodic and final checkpoints (exact resume)
    samples/STAGE/LABEL/     generated audio (and its text) at sample points
    logs/                    TensorBoard (and wandb) logs
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import yaml
from accelerate import Accelerator
from accelerate.state import AcceleratorState, GradientState
from lhotse.cut import Cut

from voxtune.config import fingerprint, validate
from voxtune.corpus import Corpus
from voxtune.corpus.manifest import read_json, write_json
from voxtune.errors import ConfigError, InputError
from voxtune.models.base import FamilySettings, LoadedModel, ModelFamily
from voxtune.models.placement import resolve_device
from voxtune.models.registry import detect_family, get_family
from voxtune.train import filters
from voxtune.train.adapters import TrainedWeights
from voxtune.train.checkpoint import CheckpointStore
from voxtune.train.config import TrainConfig, load_train_config
from voxtune.train.data import EncodedItems, RunLedger, conversation_contexts, encode_items
from voxtune.train.splits import RunSplit, split_run
from voxtune.train.stages import PlannedStage, plan_stages
from voxtune.train.tracking import Tracker, flat_config, resolve_report_to
from voxtune.train.trainer import NoProgress, RunContext, StageResult, StageRunner, StepBudget, TrainProgress

RUN_STATE = "run.json"
SUMMARY = "summary.json"


@dataclass
class TrainResult:
    run_dir: Path
    stages: list[StageResult]
    split_note: str
    rejected: int
    interrupted: bool = False
    main_process: bool = True
    """False in the other processes of a multi-GPU launch (only the main one should report)."""
    notes: list[str] = field(default_factory=list)

    @property
    def adapters(self) -> dict[str, str]:
        """Each adapter's final folder (the last stage that trained it)."""
        return {r.adapter: r.adapter_dir for r in self.stages if r.adapter_dir}


def resume_fingerprint(config: TrainConfig) -> str:
    """What must not change between a run and its resumption (data, model, adapters, stage order)."""
    stages = [
        s.model_dump(include={"name", "filter", "mix", "each_language", "adapter", "init_from"})
        for s in config.stages
    ]
    return fingerprint(
        config.model.model_dump(),
        str(config.corpus),
        config.method,
        config.lora.model_dump(),
        config.family,
        stages,
    )


def _device(config: TrainConfig) -> str:
    return resolve_device(config.device)


def _precision(config: TrainConfig, device: str) -> str:
    if config.precision == "auto":
        return "bf16" if device == "cuda" and torch.cuda.is_bf16_supported() else "fp32"
    if config.precision == "fp16" and device != "cuda":
        raise ConfigError("precision: fp16 needs a CUDA GPU", hint="Use bf16 or fp32 on a CPU")
    return config.precision


def _dtype(config: TrainConfig, device: str, precision: str) -> torch.dtype:
    if config.model.dtype != "auto":
        return getattr(torch, config.model.dtype)
    if config.method == "lora" and device == "cuda" and precision in ("bf16", "fp16"):
        return torch.bfloat16 if precision == "bf16" else torch.float16
    return torch.float32


def _family(config: TrainConfig) -> ModelFamily:
    if config.model.family:
        return get_family(config.model.family)
    return detect_family(config.model.base, config.model.revision)


def _settings(family: ModelFamily, data: dict[str, Any], where: str) -> FamilySettings:
    return validate(family.settings_class, data, where=where)


def _check_corpus(cuts: list[Cut], family: ModelFamily, corpus: Path) -> None:
    if not cuts:
        raise InputError("the corpus has no items", path=corpus, hint="Check the prepare run's ledger")
    if "text" in family.required_fields and not any(
        s.text and s.text.strip() for c in cuts for s in c.supervisions
    ):
        raise InputError(
            f"no item of the corpus has a transcript, which {family.name} training needs (supervision.text)",
            path=corpus,
            hint="Add a transcribe stage to the prepare recipe, or give transcripts in the ingest manifest",
        )
    if "audio" in family.required_fields and not any(c.has_recording for c in cuts):
        raise InputError("no item of the corpus has audio", path=corpus)


def _open_run_state(config: TrainConfig, run_dir: Path, resume: bool) -> dict[str, Any]:
    """The run's state: new, or the one being resumed (refusing to mix two runs in one folder)."""
    fresh: dict[str, Any] = {"fingerprint": resume_fingerprint(config), "completed": {}, "steps": 0}
    state_path = run_dir / RUN_STATE
    if not state_path.is_file():
        return fresh
    previous = read_json(state_path)
    if not resume:
        raise ConfigError(
            f"the run folder already holds a run named '{config.name}'",
            path=run_dir,
            hint="Pass --resume to continue it, or change `name` (or `output`) for a new run",
        )
    if previous.get("fingerprint") != fresh["fingerprint"]:
        raise ConfigError(
            "the config differs from the run being resumed (model, corpus, adapters or stages changed)",
            path=run_dir,
            hint="Resume with the config the run started with, or start a new run under another name",
        )
    return previous


def _select_items(cuts: list[Cut], plan: list[PlannedStage], corpus: Path) -> dict[str, list[Cut]]:
    """Each stage's items (filter, then mix pools), checking the fields its filters read."""
    selections: dict[str, list[Cut]] = {}
    for stage in plan:
        filters.check_filter_fields(cuts, stage.name, [stage.filter, *(m.filter for m in stage.mix or ())])
        chosen = filters.select(cuts, stage.filter)
        if stage.mix:
            chosen = [c for c in chosen if any(filters.matches(c, m.filter) for m in stage.mix)]
        if not chosen:
            raise InputError(
                f"stage '{stage.name}' selects no items: its filter ({stage.describe_data()}) matches "
                "nothing in the corpus",
                path=corpus,
                hint="Loosen the filter, or check the corpus with `voxtune corpus info`",
            )
        selections[stage.name] = chosen
    return selections


def _split_note(split: RunSplit, fraction: float) -> str:
    if split.from_corpus:
        return "validation: the corpus's own split field"
    return (
        f"validation: the corpus has no split field, so {len(split.validation)} items "
        f"({fraction:.0%} of each stage's items, chosen by id hash) were held out"
    )


def _accelerator(precision: str, device: str, report_to: list[str], run_dir: Path) -> Accelerator:
    # accelerate keeps one state per process whose precision cannot change afterwards; a process may run
    # several trainings (the demo, notebooks, tests), so start each from a clean one (private, but the
    # reset accelerate's own tests use; the distributed part of the state is kept)
    AcceleratorState._reset_state(reset_partial_state=False)
    GradientState._reset_state()
    return Accelerator(
        mixed_precision="no" if precision == "fp32" else precision,
        cpu=device == "cpu",
        log_with=report_to,
        project_dir=str(run_dir / "logs"),
    )


def _prepare_model(loaded: LoadedModel, config: TrainConfig) -> None:
    if config.gradient_checkpointing:
        loaded.model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if config.method == "full":
        for name, param in loaded.model.named_parameters():
            param.requires_grad_(not name.startswith(loaded.frozen_prefixes))


def _write_run_files(run_dir: Path, config: TrainConfig, split: RunSplit, note: str, run_state: dict) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    write_json(run_state, run_dir / RUN_STATE)  # from now on the folder needs --resume
    write_json(
        {"from_corpus": split.from_corpus, "note": note, "validation": sorted(split.validation)},
        run_dir / "split.json",
    )
    (run_dir / "config.yaml").write_text(
        yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False, allow_unicode=True), encoding="utf-8"
    )


def _language(cut: Cut) -> str | None:
    return cut.supervisions[0].language if cut.supervisions else None


def run_training(
    config: TrainConfig | str | Path,
    *,
    resume: bool = False,
    stop_after: int | None = None,
    progress: TrainProgress | None = None,
) -> TrainResult:
    """Train every stage of ``config`` (a TrainConfig or a YAML path).

    ``resume`` continues a run folder from its latest checkpoint (finished stages are not redone);
    ``stop_after`` ends this invocation after that many optimizer steps, with a checkpoint to resume
    from (for time-limited jobs).
    """
    if not isinstance(config, TrainConfig):
        config = load_train_config(config)
    progress = progress or NoProgress()
    run_dir = Path(config.output) / config.name
    run_state = _open_run_state(config, run_dir, resume)
    if config.cpu_threads:
        torch.set_num_threads(config.cpu_threads)

    device = _device(config)
    precision = _precision(config, device)
    family = _family(config)
    settings = _settings(family, config.family, "family settings")
    plan = plan_stages(config, loss_parts=family.loss_parts, token_tags=family.token_weight_tags)
    stage_settings = {
        stage.name: _settings(
            family, {**config.family, **stage.family_overrides}, f"stage '{stage.name}' family"
        )
        for stage in plan
    }

    corpus = Corpus.open(config.corpus)
    cuts = list(corpus.cuts())
    _check_corpus(cuts, family, corpus.root)
    selections = _select_items(cuts, plan, corpus.root)
    split = split_run(cuts, selections.values(), config.eval.validation_fraction)
    split_note = _split_note(split, config.eval.validation_fraction)

    report_to = resolve_report_to(config.logging.report_to)
    accelerator = _accelerator(precision, device, report_to, run_dir)  # before loading: one GPU per process
    loaded = family.load(
        config.model.base,
        dtype=_dtype(config, device, precision),
        device=accelerator.device,
        quantization=config.model.quantization,
        revision=config.model.revision,
    )
    speakers = family.speaker_ids(settings, (c.supervisions[0].speaker for c in cuts if c.supervisions))
    family.prepare_for_corpus(loaded, settings, speakers)
    contexts = conversation_contexts(cuts) if family.context_turns(settings) else {}
    _prepare_model(loaded, config)
    if accelerator.is_main_process:
        _write_run_files(run_dir, config, split, split_note, run_state)
    accelerator.init_trackers(config.name, config=flat_config(config.model_dump(mode="json")))
    targets = config.lora.targets or family.default_lora_targets(loaded)
    weights = TrainedWeights(loaded, config.method, config.lora, targets)
    ledger = RunLedger(run_dir / "rejected.jsonl")
    ctx = RunContext(
        config=config,
        family=family,
        loaded=loaded,
        weights=weights,
        accelerator=accelerator,
        tracker=Tracker(accelerator, report_to),
        run_dir=run_dir,
        speakers=speakers,
        progress=progress if accelerator.is_main_process else NoProgress(),
        metadata=_metadata_builder(config, loaded, speakers, stage_settings),
    )
    budget = StepBudget(stop_after)
    results: list[StageResult] = []
    interrupted = False
    try:
        for stage in plan:
            done = run_state["completed"].get(stage.name)
            if done is not None:
                weights.load(stage.adapter, Path(done["adapter_dir"]))
                results.append(StageResult(**done))
                continue
            result = _run_stage(
                ctx,
                stage,
                stage_settings[stage.name],
                selections[stage.name],
                split,
                contexts,
                ledger,
                resume=resume,
                budget=budget,
                step_offset=run_state["steps"],
            )
            if accelerator.is_main_process:
                ledger.write()
            results.append(result)
            if result.interrupted:
                interrupted = True
                break
            run_state["completed"][stage.name] = result.to_dict()
            run_state["steps"] += result.steps
            if accelerator.is_main_process:
                write_json(run_state, run_dir / RUN_STATE)
            ctx.progress.stage_finished(result)
    finally:
        ctx.tracker.flush()
        accelerator.end_training()
    outcome = TrainResult(
        run_dir,
        results,
        split_note,
        len(ledger),
        interrupted=interrupted,
        main_process=accelerator.is_main_process,
    )
    if accelerator.is_main_process and not interrupted:
        write_json(
            {
                "name": config.name,
                "family": family.name,
                "base_model": loaded.source.to_dict(),
                "split": split_note,
                "adapters": outcome.adapters,
                "stages": [r.to_dict() for r in results],
                "rejected": len(ledger),
            },
            run_dir / SUMMARY,
        )
    return outcome


def _run_stage(
    ctx: RunContext,
    stage: PlannedStage,
    settings: FamilySettings,
    chosen: list[Cut],
    split: RunSplit,
    contexts: dict[str, list[Cut]],
    ledger: RunLedger,
    *,
    resume: bool,
    budget: StepBudget,
    step_offset: int,
) -> StageResult:
    config = ctx.config
    train_cuts = [c for c in chosen if split.is_train(c)]
    val_cuts = [c for c in chosen if split.is_validation(c)]
    where = f"stage '{stage.name}' ({stage.describe_data()})"
    if not train_cuts:
        raise InputError(
            f"{where} has no training items: all its items are in the validation split",
            hint="Loosen the stage's filter or give the corpus more items",
        )
    if split.from_corpus and not val_cuts:
        raise InputError(
            f"{where} has no validation items in the corpus's validation split",
            hint="Put some of these items in the validation split (the split stage), or loosen the filter",
        )
    encoder = ctx.family.item_encoder(
        ctx.loaded,
        settings,
        cache_dir=config.codec_cache,
        speakers=ctx.speakers,
        token_weights=stage.token_weights,
    )

    def report(done: int, total: int) -> None:
        ctx.progress.encoding(stage.name, done, total)

    train = encode_items(
        train_cuts, encoder, ledger=ledger, stage=stage.name, contexts=contexts, on_progress=report
    )
    validation: EncodedItems | None = (
        encode_items(val_cuts, encoder, ledger=ledger, stage=stage.name, contexts=contexts)
        if val_cuts
        else None
    )
    if not len(train):
        raise InputError(
            f"{where}: none of its {len(train_cuts)} training items could be used (see rejected.jsonl)",
            path=ledger.path,
        )
    if validation is not None and not len(validation):
        validation = None
    store = CheckpointStore(
        ctx.run_dir / "checkpoints" / stage.name,
        keep_best=config.checkpoints.keep_best,
        keep_last=config.checkpoints.keep_last,
    )
    runner = StageRunner(ctx, stage, settings, train, validation, store, step_offset=step_offset)
    result = runner.run(resume=resume, budget=budget)
    if validation is None:
        result.notes.append("no validation items: not evaluated; the last weights were exported")
    untagged = getattr(encoder, "untagged", 0)
    if stage.token_weights and untagged:
        result.notes.append(
            f"{untagged} item encodings had no word timings or tags for token_weights (weight 1)"
        )
    return result


def _metadata_builder(
    config: TrainConfig,
    loaded: LoadedModel,
    speakers: dict[str, int],
    stage_settings: dict[str, FamilySettings],
) -> Callable[[PlannedStage, EncodedItems, StageResult], dict[str, Any]]:
    def build(stage: PlannedStage, train: EncodedItems, result: StageResult) -> dict[str, Any]:
        stage_speakers = sorted({c.supervisions[0].speaker for c in train.cuts if c.supervisions[0].speaker})
        settings = stage_settings[stage.name]
        return {
            "family": loaded.family.name,
            "run": config.name,
            "stage": stage.name,
            "base_model": loaded.source.to_dict(),
            "languages": sorted({lang for c in train.cuts if (lang := _language(c))}),
            "speakers": {s: speakers[s] for s in stage_speakers if s in speakers},
            "language_tag": bool(getattr(settings, "language_tag", False)),
            "family_settings": settings.model_dump(mode="json"),
            "lora": config.lora.model_dump(mode="json") if config.method == "lora" else None,
            "training": {
                "steps": result.steps,
                "lr": stage.lr,
                "data": stage.describe_data(),
                "loss_weights": stage.loss_weights,
                "token_weights": stage.token_weights,
                "init": stage.start if stage.start != "copy" else f"copy of {stage.init_from}",
                "batching": config.batching.model_dump(mode="json"),
                "seed": config.seed,
            },
            "metrics": {
                "train_loss": result.train_loss,
                "validation": result.val,
                "best_validation_loss": result.best_val,
                "target_entropy": result.target_entropy,
                "selected": result.selected,
            },
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }

    return build
