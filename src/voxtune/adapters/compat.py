"""Whether an adapter belongs on a base model: same family and the very weights it was trained on.

A LoRA adapter is a delta on particular weights; on other weights (another checkpoint, a re-saved
model) it loads without error and produces garbage. So the trainer records what pins its base — the hub
commit, or a content hash of a local folder's weight files — and an adapter is attached only where one
of those pins matches. Where neither side can be compared, the adapter is refused, not trusted.
"""

from __future__ import annotations

from voxtune.adapters.registry import AdapterInfo
from voxtune.errors import InputError
from voxtune.models.base import ModelSource


class AdapterMismatchError(InputError):
    """An adapter was trained on another base (family or weights) than the one it would be attached to."""


def mismatch_reason(info: AdapterInfo, family: str, base: ModelSource) -> str | None:
    """Why ``info`` must not be attached to ``base`` of ``family``; None when it belongs there."""
    if info.family != family:
        return f"it is a {info.family} adapter and the base is a {family} model"
    trained = info.base
    if trained.content_hash and base.content_hash:
        if trained.content_hash == base.content_hash:
            return None
        return (
            f"it was trained on weights with content hash {trained.content_hash}, "
            f"the base's weights hash to {base.content_hash}"
        )
    if trained.revision and base.revision:
        if trained.revision == base.revision and trained.reference == base.reference:
            return None
        return (
            f"it was trained on {trained.reference}@{trained.revision}, "
            f"the base is {base.reference}@{base.revision}"
        )
    served = (
        f"{base.reference} ("
        + (f"revision {base.revision}" if base.revision else f"content hash {base.content_hash}")
        + ")"
    )
    return f"it was trained on {trained.describe()}, which cannot be compared with the base {served}"


def check_compatible(info: AdapterInfo, family: str, base: ModelSource) -> None:
    """Raise AdapterMismatchError when ``info`` was not trained on ``base`` (see ``mismatch_reason``)."""
    reason = mismatch_reason(info, family, base)
    if reason is not None:
        raise AdapterMismatchError(
            f"adapter '{info.name}' does not belong on this base: {reason}",
            path=info.path,
            hint="Serve it on the base model it was trained on (its voxtune_adapter.json names it)",
        )
