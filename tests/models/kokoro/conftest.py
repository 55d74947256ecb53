"""Kokoro tests share one tiny random Kokoro and the demo's Luxembourgish corpus (built once)."""

from support.kokoro import lb_corpus, tiny_kokoro_dir  # noqa: F401  (fixtures)
