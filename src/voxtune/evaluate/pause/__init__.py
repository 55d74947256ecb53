"""Pause-head probe for Kyutai STT: does the semantic VAD end a caller's turn mid-number?"""

from voxtune.evaluate.pause.digits import DigitRun, digit_runs, has_digits
from voxtune.evaluate.pause.probe import ProbeItem, Trace, probe_items, run_probe
from voxtune.evaluate.pause.report import ProbeRow, plot_traces, summarise, write_report
from voxtune.evaluate.pause.run import PauseProbeResult, probe_pause

__all__ = [
    "DigitRun",
    "PauseProbeResult",
    "ProbeItem",
    "ProbeRow",
    "Trace",
    "digit_runs",
    "has_digits",
    "plot_traces",
    "probe_items",
    "probe_pause",
    "run_probe",
    "summarise",
    "write_report",
]
