"""Tiny Kyutai STT and dictation corpus for the pause probe tests."""

from support.kyutai_corpora import dictation_dir, kyutai_codes, tiny_stt  # noqa: F401  (fixtures)
