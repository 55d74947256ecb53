"""Tiny Kyutai models run on one CPU thread (see tests/models/conftest.py)."""

from support.kyutai_corpora import dictation_dir, kyutai_codes, tiny_stt  # noqa: F401  (fixtures)
