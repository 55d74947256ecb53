"""The embedded demo: a generated multilingual corpus and `voxtune demo`, which runs the whole chain on it."""
