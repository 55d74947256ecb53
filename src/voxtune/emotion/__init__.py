"""Speech-emotion labels: a canonical label set with synonyms, a classifier backend, a tiny test model.

* :mod:`~voxtune.emotion.labels` - the allowed labels and how other spellings map onto them;
* :mod:`~voxtune.emotion.classifier` - any transformers audio-classification model, batched;
* :mod:`~voxtune.emotion.tiny` - a tiny random classifier for tests and the demo.
"""

from voxtune.emotion.labels import DEFAULT_EMOTIONS, EmotionError, LabelMap

__all__ = ["DEFAULT_EMOTIONS", "EmotionError", "LabelMap"]
