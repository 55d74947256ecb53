"""Fine-tuned Kokoro -> a folder in Kokoro's own layout that ``KModel`` loads by path.

Full fine-tuning already saves such a folder (``KokoroTrainable.save_pretrained``). A LoRA adapter is
merged into the base model it was trained on (read from its ``voxtune_adapter.json``): the base is
loaded, given the same voices and symbols the run gave it, the adapter's weights are merged, and the
result written with the voice tables as ``voices/<name>.pt``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from torch import nn

from voxtune.errors import InputError
from voxtune.models.kokoro.checkpoint import export_kokoro
from voxtune.models.kokoro.family import KokoroFamily, unwrap
from voxtune.models.kokoro.trainable import FULL_STATE_FILE
from voxtune.models.kokoro.vocabulary import KokoroVocabulary
from voxtune.train.adapters import ADAPTER_WEIGHTS, METADATA_FILE, read_metadata


def export_model(
    model: nn.Module,
    folder: str | Path,
    vocabulary: KokoroVocabulary | None = None,
    *,
    voices: Iterable[str] | None = None,
) -> Path:
    """Write a (LoRA-wrapped or plain) trained Kokoro to ``folder``. LoRA is merged into ``model`` in
    place (Kokoro's weight-normed layers cannot be deep-copied), so export at the end of training.
    ``voices`` limits the exported voice tables to these speakers; with ``vocabulary``,
    ``kokoro_symbols.json`` records what became of the symbols Kokoro lacked."""
    from peft import PeftModel

    core = unwrap(model.merge_and_unload() if isinstance(model, PeftModel) else model)
    packs = core.voice_bank.packs()
    if voices is not None:
        wanted = set(voices)
        packs = {name: pack for name, pack in packs.items() if name in wanted}
    named = {core.voice_names.get(name, name): pack for name, pack in packs.items()}
    export_kokoro(core.kokoro, core.config, folder, named, vocab=core.kokoro.vocab)
    if vocabulary is not None:
        vocabulary.save_pretrained(folder)
    return Path(folder)


def export_adapter(adapter_dir: str | Path, folder: str | Path, *, base: str | None = None) -> Path:
    """Turn a Kokoro adapter saved by ``voxtune train`` into a Kokoro folder at ``folder``: LoRA is
    merged into the base model recorded in the adapter (or ``base``); a full fine-tune is copied
    without voxtune's own state file."""
    from peft import PeftModel

    adapter_dir = Path(adapter_dir)
    metadata = read_metadata(adapter_dir)
    if metadata.get("family") != KokoroFamily.name:
        raise InputError(f"not a Kokoro adapter (family {metadata.get('family')!r})", path=adapter_dir)
    if metadata.get("method") == "full":
        folder = Path(folder)
        shutil.copytree(
            adapter_dir,
            folder,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(FULL_STATE_FILE, METADATA_FILE),
        )
        return folder
    if not (adapter_dir / ADAPTER_WEIGHTS).is_file():
        raise InputError(f"no {ADAPTER_WEIGHTS} in the adapter folder", path=adapter_dir)
    family = KokoroFamily()
    settings = family.settings(metadata.get("family_settings"))
    source = metadata["base_model"]
    loaded = family.load(
        base or source.get("local_path") or source["reference"], revision=source.get("revision")
    )
    speakers: dict[str, int] = dict(metadata.get("speakers") or {})
    # the run gave every corpus speaker a table; tables of speakers outside this stage keep their places
    slots = {f"unused{index}": index for index in range(max(speakers.values(), default=-1) + 1)}
    by_index = {index: name for name, index in {**slots, **speakers}.items()}
    family.prepare_for_corpus(loaded, settings, {name: index for index, name in by_index.items()})
    model = PeftModel.from_pretrained(loaded.model, str(adapter_dir))
    return export_model(model, folder, loaded.tokenizer, voices=speakers or None)
