"""Tiny Kyutai fixtures for the merge and pause-probe command tests."""

from support.kyutai_corpora import dictation_dir, kyutai_codes, tiny_stt  # noqa: F401  (fixtures)
