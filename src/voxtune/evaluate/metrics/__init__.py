"""One module per metric; each is a pure function of arrays or strings plus a small result type.

* ``wer`` - word/character error rates (jiwer) after one text normalisation
* ``mcd`` - mel-cepstral distortion (WORLD + ``mel_cepstrum`` warping + DTW from ``alignment``)
* ``f0`` - F0 RMSE (Hz, cents), voiced/unvoiced error, F0 correlation (WORLD Harvest, ``world``)
* ``duration`` - duration MAE between two alignments of the same tokens
* ``speaker`` - speaker similarity (resemblyzer or transformers x-vectors)
* ``quality`` - DNSMOS P.835 and UTMOS (from a local TorchScript file)
* ``language_id`` - spoken (transformers) and written (lingua) language ID, ISO 639-1 codes
* ``emotion`` - emotion accuracy with a transformers classifier (``audio_classification``)
* ``confusion`` - confusion matrix and accuracy for the classifiers above
* ``latency`` - time to first audio, total time, real-time factor of a streaming generator
* ``stats`` - seeded bootstrap confidence intervals, plain and paired

Per-item problems (silent audio, missing reference) raise
:class:`voxtune.evaluate.errors.UnscorableError`; :func:`voxtune.evaluate.batch.score_items` turns
them into counted failures.
"""
