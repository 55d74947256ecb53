"""Model tests here run torch on one thread (see support.threads)."""

from support.threads import single_torch_thread

__all__ = ["single_torch_thread"]
