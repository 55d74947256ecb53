"""Tiny Moshi fixtures (see tests/support/kyutai_corpora.py)."""

from support.kyutai_corpora import dialogue_dir, kyutai_codes, tiny_moshi  # noqa: F401  (fixtures)
