"""Kokoro-82M (the ``kokoro`` package's ``KModel``): fine-tuning for a new language and voice.

``family`` is the voxtune model family (load, prepare voices and symbols, loss, generate);
``settings`` its ``family:`` block; ``encoder`` turns corpus cuts into examples and batches;
``trainable`` is KModel's forward without ``no_grad``, teacher-forced; ``losses`` and
``discriminators`` the objectives; ``geometry`` Kokoro's frame sizes read from its config;
``vocabulary`` a new language's symbols (nearest Kokoro symbol or new trainable rows); ``timing`` the
teacher durations from word or phoneme timings; ``targets`` and ``spectral`` F0, energy and mel views;
``voicepack`` the ``[510, 1, 256]`` voice tables; ``voice_projection`` packs from speaker embeddings;
``checkpoint`` and ``export`` Kokoro's own checkpoint layout; ``tiny`` a random model for tests.
"""
