"""`voxtune merge`: fold an adapter into its base and write a standalone model (any family)."""

from __future__ import annotations

from pathlib import Path

import typer

from voxtune.cli.app import app
from voxtune.errors import ConfigError

DTYPES = {
    "bf16": "bfloat16",
    "bfloat16": "bfloat16",
    "fp16": "float16",
    "float16": "float16",
    "fp32": "float32",
    "float32": "float32",
}


def parse_dtype(name: str):
    import torch

    if name.lower() not in DTYPES:
        raise ConfigError(f"unknown dtype '{name}'", hint="Use bf16, fp16 or fp32")
    return getattr(torch, DTYPES[name.lower()])


@app.command("merge")
def merge(
    adapter: Path | None = typer.Argument(
        None,
        help="Adapter: a voxtune stage folder (RUN/adapters/STAGE) or a moshi-finetune lora.safetensors "
        "(or its folder); left out, --base CHECKPOINT --like MODEL converts kyutai's original weights.",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: one subfolder per format, merge.json."),
    base: str | None = typer.Option(
        None, "--base", "-b", help="Base model (default: the adapter's own); for moshi-finetune, required."
    ),
    like: str | None = typer.Option(
        None,
        "--like",
        help="Transformers-format model of the same architecture, when --base is kyutai's original.",
    ),
    format: list[str] = typer.Option(
        [],
        "--format",
        "-f",
        help="transformers (default) or kyutai (the naming kyutai's Rust server reads); repeatable. "
        "Kokoro adapters always give Kokoro's own layout (out/kokoro: config.json, weights, voices/).",
    ),
    dtype: str = typer.Option("bf16", help="Weights' dtype: bf16, fp16 or fp32."),
    scaling: float | None = typer.Option(
        None, help="moshi-finetune LoRA scaling, if its config.json lacks it."
    ),
) -> None:
    """Merge LoRA weights into the base and save it standalone (transformers format, and for Kyutai models
    kyutai's own naming with a moshi-server config)."""
    if adapter is not None and _is_finetune_adapter(adapter) and base is None:
        raise ConfigError(
            "a moshi-finetune adapter does not name its base: pass --base",
            hint="The checkpoint it was trained on (kyutai's model.safetensors) or a transformers model",
        )
    from voxtune.merge import import_original, merge_adapter, merge_finetune_adapter, write_report
    from voxtune.models.kyutai.convert import is_original_checkpoint
    from voxtune.ui.console import console
    from voxtune.ui.merge import merge_table
    from voxtune.ui.training import quiet_transformers

    quiet_transformers()
    torch_dtype = parse_dtype(dtype)
    formats = tuple(dict.fromkeys(format)) or None
    if adapter is None:
        if base is None or like is None or not is_original_checkpoint(base):
            raise ConfigError(
                "without an adapter, merge converts kyutai's original weights: "
                "pass --base CHECKPOINT --like MODEL",
                hint="Or give the adapter folder to merge",
            )
        result = import_original(
            base, out, like=like, formats=formats or ("transformers",), dtype=torch_dtype
        )
    elif _is_finetune_adapter(adapter):
        assert base is not None
        result = merge_finetune_adapter(
            adapter,
            out,
            base=base,
            like=like,
            formats=formats or ("kyutai",),
            dtype=torch_dtype,
            scaling=scaling,
        )
    else:
        result = merge_adapter(
            adapter, out, base=base, formats=formats or ("transformers",), dtype=torch_dtype
        )
    report = write_report(result, out)
    console.print(merge_table(result))
    console.print(f"[bold green]merged[/] {result.family} ({result.kind}) in {result.dtype}  ·  {report}")


FINETUNE_WEIGHTS = "lora.safetensors"
"""moshi-finetune's adapter file (voxtune.models.kyutai.finetune_lora.ADAPTER_WEIGHTS_NAME)."""


def _is_finetune_adapter(path: Path) -> bool:
    return (
        path.name == FINETUNE_WEIGHTS
        or (path / FINETUNE_WEIGHTS).is_file()
        or (path / "consolidated" / FINETUNE_WEIGHTS).is_file()
    )
