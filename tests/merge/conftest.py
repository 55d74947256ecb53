"""Tiny Kyutai models and corpora for the merge tests (see tests/support/kyutai_corpora.py)."""

from support.kyutai_corpora import dictation_dir, kyutai_codes, tiny_moshi, tiny_stt  # noqa: F401  (fixtures)
