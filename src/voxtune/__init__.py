"""voxtune: adapt open pretrained speech models to a new language, accent, voice or behaviour."""

__version__ = "0.1.0"
