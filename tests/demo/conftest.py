"""Demo tests of optional model steps reuse the model tests' tiny models and corpora."""

from support.kokoro import lb_corpus, tiny_kokoro_dir  # noqa: F401  (fixtures)
