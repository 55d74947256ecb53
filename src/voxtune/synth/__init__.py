"""Speech synthesis voxtune uses to make corpora when there is no data (espeak-ng out of the box)."""
