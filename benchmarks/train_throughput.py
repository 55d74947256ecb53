"""Training throughput: tokens/s and padding with length-bucketed vs random batches, and the share of a
step spent getting data, with codec codes cached vs encoded on the fly.

Rows on the tiny CSM (CPU) train LoRA on the demo corpus with the trainer's own pieces (encoder, bucketed
sampler, collate, CSM loss, AdamW), same steps and token budget each:

- bucketed batches, codes from the cache  (what `voxtune train` does)
- random batches, codes from the cache    (baseline for padding)
- bucketed batches, audio encoded every step (baseline for the codec cache)

With a CUDA GPU it adds full-size CSM-1B rows (random weights, bf16, LoRA r=16 and r=128, synthetic
codes) with peak memory; without one those rows print "no GPU here".

    python benchmarks/train_throughput.py [--steps 40]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from rich.console import Console
from rich.table import Table

from voxtune.demo.corpus import build_demo_corpus
from voxtune.models import mimi
from voxtune.models.base import Batch
from voxtune.models.codec_cache import cut_waveform
from voxtune.models.registry import get_family
from voxtune.sources.items import cut_from_file
from voxtune.train.adapters import TrainedWeights
from voxtune.train.config import LoraSpec
from voxtune.train.data import EncodedItems, RunLedger, encode_items
from voxtune.train.sampler import BucketBatchSampler

FAMILY = get_family("csm")


@dataclass
class Row:
    name: str
    tokens_per_s: float
    positions_per_s: float
    padding: float
    data_share: float
    peak_mb: float | None = None


def measure(
    name: str,
    model: torch.nn.Module,
    next_batch: Callable[[], Batch],
    steps: int,
    device: torch.device,
    settings,
) -> Row:
    """Train ``steps`` optimizer steps; time getting each batch apart from the step itself."""
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-3)
    targets = positions = padded = 0
    data_seconds = 0.0
    for warm in range(2):  # warm-up steps are not counted
        batch = next_batch().to(device)
        FAMILY.loss(model, batch, settings).total.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        del warm
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats(device)
    started = time.perf_counter()
    for _ in range(steps):
        fetch = time.perf_counter()
        batch = next_batch().to(device)
        data_seconds += time.perf_counter() - fetch
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            out = FAMILY.loss(model, batch, settings)
        out.total.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        targets += batch.targets
        positions += batch.positions
        padded += batch.padded_positions
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    peak = torch.cuda.max_memory_allocated(device) / 2**20 if device.type == "cuda" else None
    return Row(
        name, targets / seconds, positions / seconds, 1 - positions / padded, data_seconds / seconds, peak
    )


def tiny_rows(steps: int, workdir: Path) -> list[Row]:
    raw = workdir / "raw"
    build_demo_corpus(raw, seed=0)
    rows = [json.loads(line) for line in (raw / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    cuts = [
        cut_from_file(raw / r["path"], r["id"], text=r["text"], speaker=r["speaker"], language=r["language"])
        for r in rows
        if "words" in r and r["id"] != "te_podcast"
    ]
    texts = [c.supervisions[0].text for c in cuts]
    clips = [cut_waveform(c, mimi.SAMPLE_RATE)[0] for c in cuts[::3]]
    model_dir = FAMILY.build_tiny(workdir / "tiny-csm", texts, audio=clips)
    settings = FAMILY.settings({"language_tag": True})
    loaded = FAMILY.load(model_dir)
    weights = TrainedWeights(
        loaded, "lora", LoraSpec(r=16, alpha=32, dropout=0.0), FAMILY.default_lora_targets(loaded)
    )
    weights.ensure("bench")
    speakers = FAMILY.speaker_ids(settings, [c.supervisions[0].speaker for c in cuts])
    encoder = FAMILY.item_encoder(loaded, settings, cache_dir=workdir / "codes", speakers=speakers)
    items = encode_items(cuts, encoder, ledger=RunLedger(workdir / "rejected.jsonl"), stage="bench")
    device = torch.device("cpu")

    def from_sampler(sampler: BucketBatchSampler, source: EncodedItems) -> Callable[[], Batch]:
        stream = iter(sampler)
        return lambda: FAMILY.collate([source.example(i) for i in next(stream)])

    budget = {"max_tokens": 1500, "max_batch_size": 16, "seed": 0}
    results = [
        measure(
            "tiny CSM, bucketed, cached codes",
            weights.model,
            from_sampler(BucketBatchSampler(items.lengths, **budget), items),
            steps,
            device,
            settings,
        ),
        measure(
            "tiny CSM, random batches, cached codes",
            weights.model,
            from_sampler(BucketBatchSampler(items.lengths, bucketing=False, **budget), items),
            steps,
            device,
            settings,
        ),
    ]
    uncached = FAMILY.item_encoder(loaded, settings, cache_dir=None, speakers=speakers)

    def encode_every_time() -> Batch:  # a fresh in-memory cache per batch: the codec runs every time
        uncached.cache = type(uncached.cache)(None, "fresh")
        return FAMILY.collate([uncached.encode(items.cuts[i]) for i in next(stream)])

    stream = iter(BucketBatchSampler(items.lengths, **budget))
    results.append(
        measure(
            "tiny CSM, bucketed, encode on the fly",
            weights.model,
            encode_every_time,
            max(4, steps // 4),
            device,
            settings,
        )
    )
    return results


def lora_rows(config, device: torch.device, steps: int, ranks: tuple[int, ...], label: str) -> list[Row]:
    """LoRA training steps on a random CSM built from ``config`` with synthetic codes (no download)."""
    from transformers import CsmForConditionalGeneration

    from voxtune.models.base import LoadedModel, ModelSource
    from voxtune.models.csm import sequence

    settings = FAMILY.settings({"depth_decoder_ratio": 1 / 16})
    generator = torch.Generator().manual_seed(0)
    books, codes_per_book = config.num_codebooks, config.codec_config.codebook_size
    limit = config.max_position_embeddings

    def synthetic_batch() -> Batch:  # 8 items of text then 20-30 s of frames (capped by the context)
        examples = []
        for _ in range(8):
            frames = min(int(torch.randint(250, 375, (1,), generator=generator)), limit // 2)
            codes = torch.randint(0, codes_per_book, (frames, books), generator=generator).numpy()
            text = torch.randint(0, config.text_vocab_size, (frames // 3,), generator=generator).tolist()
            examples.append(sequence.build_example("x", [sequence.Turn(text, codes, scored=True)], books))
        return sequence.collate(examples)

    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    rows = []
    for rank in ranks:
        torch.manual_seed(0)
        model = CsmForConditionalGeneration(config).to(device, dtype)
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        loaded = LoadedModel(
            FAMILY,
            model,
            None,
            ModelSource("random", None),
            codec=model.codec_model,
            frozen_prefixes=("codec_model",),
        )
        weights = TrainedWeights(
            loaded, "lora", LoraSpec(r=rank, alpha=2 * rank, dropout=0.0), FAMILY.default_lora_targets(loaded)
        )
        weights.ensure("bench")
        rows.append(
            measure(f"{label}, LoRA r={rank}", weights.model, synthetic_batch, steps, device, settings)
        )
        del model, weights, loaded
        if device.type == "cuda":
            torch.cuda.empty_cache()
    return rows


def full_size_rows(steps: int) -> list[Row | str]:
    """CSM-1B-sized random model, bf16, on the GPU; a line saying so where there is none."""
    if not torch.cuda.is_available():
        return ["full-size CSM-1B (bf16, LoRA r=16 / r=128): no GPU here"]
    from transformers import CsmConfig

    config = CsmConfig(codec_config={"model_type": "mimi"})
    return list(lora_rows(config, torch.device("cuda"), steps, (16, 128), "CSM-1B size, bf16"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads for the tiny rows")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        rows: list[Row | str] = [*tiny_rows(args.steps, Path(tmp)), *full_size_rows(max(5, args.steps // 4))]
    table = Table(title="training throughput", title_justify="left")
    for column in ("setup", "scored tokens/s", "positions/s", "padding", "data time", "peak memory"):
        table.add_column(column, justify="left" if column == "setup" else "right")
    for row in rows:
        if isinstance(row, str):
            table.add_row(row, "", "", "", "", "")
            continue
        table.add_row(
            row.name,
            f"{row.tokens_per_s:,.0f}",
            f"{row.positions_per_s:,.0f}",
            f"{row.padding:.1%}",
            f"{row.data_share:.1%}",
            "—" if row.peak_mb is None else f"{row.peak_mb:,.0f} MiB",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
