"""`voxtune record`: a local web page that records prompts from the microphone into a corpus folder."""

from voxtune.record.server import create_app, serve
from voxtune.record.studio import RecordingStudio, Take
from voxtune.record.takes import check_not_empty, store_take

__all__ = ["RecordingStudio", "Take", "check_not_empty", "create_app", "serve", "store_take"]
