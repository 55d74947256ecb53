"""The tiny CSM (built once per session from FSDD speech) for the suite tests."""

from support.tiny_csm import tiny_csm  # noqa: F401  (fixture)
