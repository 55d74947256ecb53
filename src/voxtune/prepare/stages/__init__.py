"""Built-in prepare stages, one module each; importing this package registers them all."""

from voxtune.prepare.stages import ingest, split

__all__ = ["ingest", "split"]
