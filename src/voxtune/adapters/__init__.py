"""Trained adapters as a registry: find them, say what they are, check they fit a base, attach them.

``registry`` reads adapter folders (light: no torch); ``compat`` decides whether an adapter belongs on
a loaded base; ``attach`` puts many of them on one base with peft and switches between them.
"""

from voxtune.adapters.registry import (
    AdapterInfo,
    AdapterProblem,
    AdapterRegistry,
    AdapterRegistryError,
    AdapterSource,
    BaseRef,
    read_adapter,
)

__all__ = [
    "AdapterInfo",
    "AdapterProblem",
    "AdapterRegistry",
    "AdapterRegistryError",
    "AdapterSource",
    "BaseRef",
    "read_adapter",
]
