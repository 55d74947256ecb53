"""The training loop of one stage, on accelerate: bucketed batches, gradient accumulation, clipping,
evaluation, samples, checkpoints, exact resume, early stopping, and a clear stop on NaN loss."""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import soundfile as sf
import torch
from accelerate import Accelerator
from accelerate.utils import gather_object, set_seed
from torch import nn

from voxtune.errors import VoxtuneError
from voxtune.models.base import Batch, FamilySettings, GenerationRequest, LoadedModel, ModelFamily
from voxtune.train.adapters import TrainedWeights
from voxtune.train.checkpoint import (
    CheckpointInfo,
    CheckpointStore,
    read_training_state,
    rng_state,
    write_training_state,
)
from voxtune.train.config import TrainConfig
from voxtune.train.data import EncodedItems
from voxtune.train.sampler import BucketBatchSampler, SamplerState
from voxtune.train.schedule import make_schedule
from voxtune.train.stages import PlannedStage
from voxtune.train.tracking import Tracker, memory_megabytes

ENTROPY_ITEMS = 2000
"""Items read to estimate the target entropy of a stage."""


class TrainingDivergedError(VoxtuneError):
    """The loss (or gradient norm) stopped being a finite number."""


class TrainProgress(Protocol):
    """What a front end (the CLI) is told while a run trains."""

    def encoding(self, stage: str, done: int, total: int) -> None: ...
    def stage_started(
        self, stage: PlannedStage, train_items: int, val_items: int, start_step: int
    ) -> None: ...
    def step(self, stage: str, step: int, total: int, metrics: Mapping[str, float]) -> None: ...
    def evaluated(self, stage: str, step: int, metrics: Mapping[str, float]) -> None: ...
    def stage_finished(self, result: StageResult) -> None: ...


class NoProgress:
    def encoding(self, stage: str, done: int, total: int) -> None:
        pass

    def stage_started(self, stage: PlannedStage, train_items: int, val_items: int, start_step: int) -> None:
        pass

    def step(self, stage: str, step: int, total: int, metrics: Mapping[str, float]) -> None:
        pass

    def evaluated(self, stage: str, step: int, metrics: Mapping[str, float]) -> None:
        pass

    def stage_finished(self, result: StageResult) -> None:
        pass


@dataclass
class StepBudget:
    """Optimizer steps this invocation may still take (None: unlimited), for time-boxed jobs."""

    remaining: int | None = None

    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining <= 0

    def spend(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1


@dataclass
class StageState:
    """What the loop needs to continue exactly where a checkpoint left it."""

    step: int = 0
    best_val: float | None = None
    evals_without_improvement: int = 0
    last_train_loss: float | None = None
    last_val: dict[str, float] = field(default_factory=dict)


@dataclass
class StageResult:
    stage: str
    adapter: str
    steps: int
    planned_steps: int
    train_items: int
    val_items: int
    rejected: int
    train_loss: float | None
    val: dict[str, float]
    best_val: float | None
    target_entropy: float | None
    adapter_dir: str | None
    selected: str
    """Which weights were exported: ``best`` (step) or ``last``."""
    seconds: float
    tokens_per_second: float | None
    padding_ratio: float | None
    stopped_early: bool = False
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunContext:
    """What every stage of a run shares."""

    config: TrainConfig
    family: ModelFamily
    loaded: LoadedModel
    weights: TrainedWeights
    accelerator: Accelerator
    tracker: Tracker
    run_dir: Path
    speakers: dict[str, int]
    progress: TrainProgress
    metadata: Callable[[PlannedStage, EncodedItems, StageResult], dict[str, Any]]


class LossModule(nn.Module):
    """The family's loss as a module's forward, so accelerate/DDP wrap one call per micro-batch."""

    def __init__(
        self,
        family: ModelFamily,
        model: nn.Module,
        settings: FamilySettings,
        loss_weights: Mapping[str, float],
    ):
        super().__init__()
        self.model = model
        self.family = family
        self.settings = settings
        self.loss_weights = dict(loss_weights)

    def forward(self, tensors: dict[str, torch.Tensor], training: bool = True) -> dict[str, Any]:
        batch = Batch(tensors, ids=[], positions=0, padded_positions=0, targets=0)
        out = self.family.loss(
            self.model, batch, self.settings, loss_weights=self.loss_weights, training=training
        )
        return {"total": out.total, "parts": out.parts, "tokens": out.tokens}


class StageRunner:
    """Trains one stage; ``run`` returns when the stage ends, stops early, or the step budget is spent."""

    def __init__(
        self,
        ctx: RunContext,
        stage: PlannedStage,
        settings: FamilySettings,
        train: EncodedItems,
        validation: EncodedItems | None,
        store: CheckpointStore,
        *,
        step_offset: int = 0,
    ):
        self.ctx = ctx
        self.stage = stage
        self.settings = settings
        self.train = train
        self.validation = validation
        self.store = store
        self.step_offset = step_offset
        self.state = StageState()
        self.notes: list[str] = []

    # -- setup ---------------------------------------------------------------------------------
    def _sampler(self) -> BucketBatchSampler:
        batching = self.ctx.config.batching
        pools = None
        if self.stage.mix:
            from voxtune.train.filters import matches

            pools = [
                ([i for i, cut in enumerate(self.train.cuts) if matches(cut, source.filter)], source.weight)
                for source in self.stage.mix
            ]
        acc = self.ctx.accelerator
        return BucketBatchSampler(
            self.train.lengths,
            max_tokens=batching.max_tokens,
            max_batch_size=batching.max_batch_size,
            bucketing=batching.bucketing,
            buckets=batching.buckets,
            seed=self.ctx.config.seed + 7919 * self.stage.index,
            pools=pools,
            rank=acc.process_index,
            world=acc.num_processes,
        )

    def _batch(self, items: EncodedItems, indices: list[int]) -> Batch:
        return self.ctx.family.collate([items.example(i) for i in indices]).to(self.ctx.accelerator.device)

    # -- the loop ------------------------------------------------------------------------------
    def run(self, *, resume: bool, budget: StepBudget) -> StageResult:
        ctx, stage, config = self.ctx, self.stage, self.ctx.config
        acc = ctx.accelerator
        started = time.perf_counter()
        set_seed(config.seed + 1000 * stage.index)
        ctx.weights.ensure(stage.adapter, init_from=stage.init_from if stage.start == "copy" else None)
        params = ctx.weights.trainable_parameters()
        optimizer = torch.optim.AdamW(
            params,
            lr=stage.lr,
            betas=config.optimizer.betas,
            eps=config.optimizer.eps,
            weight_decay=config.optimizer.weight_decay,
        )
        scheduler = make_schedule(
            optimizer, config.schedule, steps=stage.steps, warmup_steps=stage.warmup_steps
        )
        module, optimizer = acc.prepare(
            LossModule(ctx.family, ctx.weights.model, self.settings, stage.loss_weights), optimizer
        )
        sampler = self._sampler()
        latest = self.store.latest_info() if resume else None
        if latest is not None:
            saved = read_training_state(
                self.store.path(latest),
                model=ctx.weights.model,
                optimizer=optimizer,
                scheduler=scheduler,
                rank=acc.process_index,
            )
            self.state = StageState(**saved["trainer"])
            sampler.state = SamplerState(**saved["sampler"])
        entropy = ctx.family.target_entropy(
            self.train.example(i) for i in range(min(len(self.train), ENTROPY_ITEMS))
        )
        ctx.progress.stage_started(stage, len(self.train), len(self.validation or ()), self.state.step)

        accum = config.batching.grad_accum
        batches = iter(sampler)
        window: dict[str, float] = defaultdict(float)
        window_started = time.perf_counter()
        totals = {"targets": 0.0, "positions": 0.0, "padded": 0.0, "seconds": 0.0}
        stopped_early = False
        module.train()
        while self.state.step < stage.steps:
            if budget.exhausted():
                self._checkpoint(["stop"], None, optimizer, scheduler, sampler)
                return self._result(entropy, started, totals, selected="last", interrupted=True)
            step_started = time.perf_counter()
            micro = [self._batch(self.train, next(batches)) for _ in range(accum)]
            data_seconds = time.perf_counter() - step_started
            for position, batch in enumerate(micro):
                sync = acc.no_sync(module) if position < len(micro) - 1 else contextlib.nullcontext()
                with sync:
                    out = module(batch.tensors, training=True)
                    self._check_finite(out["total"], "loss", batch)
                    acc.backward(out["total"] / len(micro))
                window["loss"] += float(out["total"].detach()) / len(micro)
                for name, value in out["parts"].items():
                    window[f"loss_{name}"] += float(value.detach()) / len(micro)
                window["targets"] += batch.targets
                window["positions"] += batch.positions
                window["padded"] += batch.padded_positions
            if config.grad_clip:
                grad_norm = acc.clip_grad_norm_(params, config.grad_clip)
            else:
                grad_norm = torch.linalg.vector_norm(
                    torch.stack([p.grad.detach().norm() for p in params if p.grad is not None])
                )
            self._check_finite(torch.as_tensor(grad_norm), "gradient norm", micro[-1])
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            self.state.step += 1
            budget.spend()
            window["steps"] += 1
            window["grad_norm"] += float(grad_norm)
            window["data_seconds"] += data_seconds
            step = self.state.step
            global_step = self.step_offset + step

            if step % config.logging.every == 0 or step == stage.steps:
                self._log_window(window, window_started, totals, scheduler, global_step)
                window = defaultdict(float)
                window_started = time.perf_counter()

            kinds: list[str] = []
            val_loss = None
            if self.validation and (
                (config.eval.every and step % config.eval.every == 0) or step == stage.steps
            ):
                val_loss, improved, stopped_early = self._evaluate_step(module, entropy, global_step)
                if improved and config.checkpoints.keep_best:
                    kinds.append("best")
            if config.logging.samples_every and step % config.logging.samples_every == 0:
                self.write_samples(f"step-{step:07d}", global_step)
            if config.checkpoints.every and step % config.checkpoints.every == 0:
                kinds.append("periodic")
            if step == stage.steps or stopped_early:
                kinds.append("final")
            if kinds:
                self._checkpoint(kinds, val_loss, optimizer, scheduler, sampler)
            if stopped_early:
                break

        selected = "last"
        best = self.store.best()
        if config.checkpoints.select == "best" and best is not None and best.step != self.state.step:
            read_training_state(self.store.path(best), model=ctx.weights.model)
            selected = f"best (step {best.step})"
        elif config.checkpoints.select == "best" and best is not None:
            selected = f"best (step {best.step})"
        result = self._result(entropy, started, totals, selected=selected, stopped_early=stopped_early)
        adapter_dir = ctx.run_dir / "adapters" / stage.name
        if acc.is_main_process:
            ctx.weights.save(stage.adapter, adapter_dir, ctx.metadata(stage, self.train, result))
        result.adapter_dir = str(adapter_dir)
        if config.logging.samples_at_end:
            self.write_samples("final", self.step_offset + self.state.step)
        acc.wait_for_everyone()
        acc.free_memory()
        return result

    # -- pieces of the loop ----------------------------------------------------------------------
    def _evaluate_step(
        self, module: nn.Module, entropy: float | None, global_step: int
    ) -> tuple[float, bool, bool]:
        """Evaluate, log, track the best loss; return (loss, improved, patience exhausted)."""
        config = self.ctx.config.eval
        metrics = self.evaluate(module)
        self.state.last_val = metrics
        extra = {"val/target_entropy": entropy} if entropy is not None else {}
        self.ctx.tracker.scalars({f"val/{k}": v for k, v in metrics.items()} | extra, global_step)
        self.ctx.progress.evaluated(self.stage.name, self.state.step, metrics)
        loss = metrics["loss"]
        if self.state.best_val is None or loss < self.state.best_val - config.min_delta:
            self.state.best_val = loss
            self.state.evals_without_improvement = 0
            return loss, True, False
        self.state.evals_without_improvement += 1
        if config.patience and self.state.evals_without_improvement >= config.patience:
            self.notes.append(
                f"stopped early at step {self.state.step}: no improvement in {config.patience} evaluations"
            )
            return loss, False, True
        return loss, False, False

    def _check_finite(self, value: torch.Tensor, what: str, batch: Batch) -> None:
        flag = torch.tensor([0.0 if bool(torch.isfinite(value.detach()).all()) else 1.0], device=value.device)
        if float(self.ctx.accelerator.reduce(flag, "sum")) == 0.0:
            return
        latest = self.store.latest_info()
        where = (
            f"the last good checkpoint is {self.store.path(latest)} (step {latest.step})"
            if latest
            else "no checkpoint of this stage was saved before it"
        )
        shown = float(value.detach().float().flatten()[0])
        raise TrainingDivergedError(
            f"the {what} became {shown} at step {self.state.step + 1} of stage '{self.stage.name}' "
            f"(items: {', '.join(batch.ids[:4])}); training stopped and {where}",
            hint="Lower the learning rate or set grad_clip, check those items, then run again with --resume",
        )

    def _log_window(
        self,
        window: Mapping[str, float],
        started: float,
        totals: dict[str, float],
        scheduler: Any,
        global_step: int,
    ) -> None:
        """Log the means since the last log, over all processes (counts and throughput summed)."""
        acc = self.ctx.accelerator
        names = sorted(window)
        summed = acc.reduce(
            torch.tensor([window[k] for k in names], dtype=torch.float64, device=acc.device), "sum"
        )
        window = {k: float(v) for k, v in zip(names, summed.tolist(), strict=True)}
        processes = acc.num_processes
        steps = max(window["steps"] / processes, 1.0)
        seconds = max(time.perf_counter() - started, 1e-9)
        metrics = {
            "train/loss": window["loss"] / processes / steps,
            "train/lr": scheduler.get_last_lr()[0],
            "train/grad_norm": window["grad_norm"] / processes / steps,
            "train/tokens_per_s": window["targets"] / seconds,
            "train/positions_per_s": window["positions"] / seconds,
            "train/padding_ratio": 1.0 - window["positions"] / max(window["padded"], 1.0),
            "train/data_time_share": window["data_seconds"] / processes / seconds,
            "train/memory_mb": memory_megabytes(acc.device),
            "train/stage": float(self.stage.index),
        }
        for key, value in window.items():
            if key.startswith("loss_"):
                metrics[f"train/{key}"] = value / processes / steps
        totals["targets"] += window["targets"]
        totals["positions"] += window["positions"]
        totals["padded"] += window["padded"]
        totals["seconds"] += seconds
        self.state.last_train_loss = metrics["train/loss"]
        self.ctx.tracker.scalars(metrics, global_step)
        self.ctx.progress.step(self.stage.name, self.state.step, self.stage.steps, metrics)

    @torch.no_grad()
    def evaluate(self, module: nn.Module) -> dict[str, float]:
        """Loss parts on the validation items (all frames, no sampling), averaged over scored tokens."""
        assert self.validation is not None
        acc = self.ctx.accelerator
        count = len(self.validation)
        if self.ctx.config.eval.max_items:
            count = min(count, self.ctx.config.eval.max_items)
        sampler = BucketBatchSampler(
            self.validation.lengths[:count],
            max_tokens=self.ctx.config.batching.max_tokens,
            max_batch_size=self.ctx.config.batching.max_batch_size,
            shuffle=False,
            rank=acc.process_index,
            world=acc.num_processes,
        )
        module.eval()
        sums: dict[str, float] = defaultdict(float)
        tokens = 0.0
        try:
            for indices in sampler.one_pass():
                out = module(self._batch(self.validation, indices).tensors, training=False)
                n = float(out["tokens"])
                tokens += n
                sums["loss"] += float(out["total"]) * n
                for name, value in out["parts"].items():
                    sums[name] += float(value) * n
        finally:
            module.train()
        names = sorted(sums)
        packed = torch.tensor([tokens, *(sums[k] for k in names)], device=acc.device, dtype=torch.float64)
        packed = acc.reduce(packed, "sum")
        tokens = float(packed[0])
        return {name: float(packed[i + 1]) / max(tokens, 1.0) for i, name in enumerate(names)}

    def _checkpoint(
        self,
        kinds: list[str],
        val_loss: float | None,
        optimizer: Any,
        scheduler: Any,
        sampler: BucketBatchSampler,
    ) -> CheckpointInfo | None:
        acc = self.ctx.accelerator
        state = {"trainer": asdict(self.state), "sampler": asdict(sampler.state), "stage": self.stage.name}

        rng_states = gather_object([rng_state()])  # every process's, so each resumes its own

        def write(folder: Path) -> None:
            write_training_state(
                folder,
                model=self.ctx.weights.model,
                optimizer=optimizer,
                scheduler=scheduler,
                state=state,
                rng_states=rng_states,
            )

        info = self.store.save(self.state.step, kinds, val_loss, write) if acc.is_main_process else None
        acc.wait_for_everyone()
        return info

    def sample_requests(self) -> list[GenerationRequest]:
        config = self.ctx.config.logging
        languages = {(c.supervisions[0].language if c.supervisions else None) for c in self.train.cuts}
        if config.samples:
            return [
                GenerationRequest(text=s.text, speaker=s.speaker, language=s.language)
                for s in config.samples
                if s.language is None or s.language in languages
            ]
        source = self.validation.cuts if self.validation else self.train.cuts
        requests = []
        for cut in source[: config.sample_count]:
            sup = cut.supervisions[0]
            requests.append(GenerationRequest(text=sup.text, speaker=sup.speaker, language=sup.language))
        return requests

    def write_samples(self, label: str, global_step: int) -> None:
        """Generate the stage's sample sentences, save them as WAV and log audio + mel images."""
        acc = self.ctx.accelerator
        requests = self.sample_requests()
        if acc.is_main_process and requests:
            results = self.ctx.family.generate(
                self.ctx.loaded,
                requests,
                self.settings,
                speakers=self.ctx.speakers,
                seed=self.ctx.config.seed,
            )
            folder = self.ctx.run_dir / "samples" / self.stage.name / label
            folder.mkdir(parents=True, exist_ok=True)
            for number, (request, result) in enumerate(zip(requests, results, strict=True)):
                if result.audio is None or result.sample_rate is None:
                    continue
                sf.write(str(folder / f"{number:02d}.wav"), result.audio, result.sample_rate)
                (folder / f"{number:02d}.txt").write_text(
                    f"{request.speaker or ''}\t{request.language or ''}\t{request.text}\t{result.stopped}\n",
                    encoding="utf-8",
                )
                self.ctx.tracker.audio(
                    f"samples/{self.stage.name}/{number:02d}", result.audio, result.sample_rate, global_step
                )
        acc.wait_for_everyone()

    def _result(
        self,
        entropy: float | None,
        started: float,
        totals: Mapping[str, float],
        *,
        selected: str,
        stopped_early: bool = False,
        interrupted: bool = False,
    ) -> StageResult:
        seconds = totals["seconds"]
        return StageResult(
            stage=self.stage.name,
            adapter=self.stage.adapter,
            steps=self.state.step,
            planned_steps=self.stage.steps,
            train_items=len(self.train),
            val_items=len(self.validation or ()),
            rejected=self.train.rejected + (self.validation.rejected if self.validation else 0),
            train_loss=self.state.last_train_loss,
            val=dict(self.state.last_val),
            best_val=self.state.best_val,
            target_entropy=entropy,
            adapter_dir=None,
            selected=selected,
            seconds=time.perf_counter() - started,
            tokens_per_second=totals["targets"] / seconds if seconds else None,
            padding_ratio=1.0 - totals["positions"] / totals["padded"] if totals["padded"] else None,
            stopped_early=stopped_early,
            interrupted=interrupted,
            notes=list(self.notes),
        )
