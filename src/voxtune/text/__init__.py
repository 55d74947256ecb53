"""Text processing for speech corpora: phonemes, per-word language tags, script checks."""
