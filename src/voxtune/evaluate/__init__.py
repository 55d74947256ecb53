"""Evaluation: metrics that score generated or recognised speech, and judges that transcribe it."""
