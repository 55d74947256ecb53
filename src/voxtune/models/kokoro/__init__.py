"""Kokoro-82M (the ``kokoro`` package's ``KModel``): fine-tuning for a new language and voice.

``geometry`` reads Kokoro's frame sizes from its config; ``vocabulary`` maps a new language's phonemes
onto Kokoro's symbols (nearest symbol or new trainable rows); ``timing`` turns word/phoneme timings into
teacher durations; ``targets`` and ``spectral`` compute F0, energy and mel views of the audio;
``trainable`` is the differentiable forward; ``losses`` and ``discriminators`` the objectives;
``voicepack`` the ``[510, 1, 256]`` voice tables; ``voice_projection`` packs from speaker embeddings;
``checkpoint`` loading and exporting in Kokoro's own layout; ``tiny`` a random model for tests.
"""
