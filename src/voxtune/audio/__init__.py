"""Pure audio signal functions: I/O, conversion, levels, loudness, SNR, bandwidth, VAD, segmenting.

Arrays are float32 shaped ``(channels, samples)`` unless a function says it takes mono
``(samples,)``; times are seconds. Import each module on its own
(``from voxtune.audio.vad import SileroVad``) so that cheap checks do not pay for loading torch.
"""
