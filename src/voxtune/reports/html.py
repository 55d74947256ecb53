"""A small builder for one-file HTML reports: plots and audio are embedded as data URIs.

A report must open from an e-mail attachment or a copied folder, so nothing is linked from outside;
a few hundred kilobytes of base64 is the price.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from voxtune.corpus.manifest import atomic_output

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;
color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.meta{color:#666;font-size:.9rem} table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4} td.num{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%} audio{height:2rem;width:16rem} .note{color:#555;font-size:.9rem}
.grid{display:flex;flex-wrap:wrap;gap:1rem} .grid > figure{margin:0;flex:1 1 30rem}
"""


class HtmlReport:
    """Accumulates sections, then writes one self-contained file."""

    def __init__(self, title: str, subtitle: str = ""):
        self.title = title
        self.subtitle = subtitle
        self._parts: list[str] = []

    def heading(self, text: str) -> None:
        self._parts.append(f"<h2>{html.escape(text)}</h2>")

    def paragraph(self, text: str, css: str = "") -> None:
        klass = f' class="{css}"' if css else ""
        self._parts.append(f"<p{klass}>{html.escape(text)}</p>")

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """A table; cells may be text/numbers (escaped) or ``Raw`` HTML (players, links)."""
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(_cell(value) for value in row) + "</tr>" for row in rows)
        self._parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    def figure(self, figure: Any, caption: str = "") -> None:
        """Embed a matplotlib figure as PNG and close it."""
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
        plt.close(figure)
        data = base64.b64encode(buffer.getvalue()).decode()
        caption_html = f"<figcaption class='note'>{html.escape(caption)}</figcaption>" if caption else ""
        image = f"<img alt='{html.escape(caption)}' src='data:image/png;base64,{data}'>"
        self._parts.append(f"<figure>{image}{caption_html}</figure>")

    def raw(self, markup: str) -> None:
        self._parts.append(markup)

    def render(self) -> str:
        subtitle = f"<p class='meta'>{html.escape(self.subtitle)}</p>" if self.subtitle else ""
        return (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(self.title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>{html.escape(self.title)}</h1>{subtitle}{''.join(self._parts)}</body></html>"
        )

    def write(self, path: str | Path) -> Path:
        path = Path(path)
        with atomic_output(path) as tmp:
            tmp.write_text(self.render(), encoding="utf-8")
        return path


class Raw(str):
    """Markup inserted into a table cell as is."""


def _cell(value: Any) -> str:
    if isinstance(value, Raw):
        return f"<td>{value}</td>"
    if isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool):
        text = f"{value:.3g}" if isinstance(value, (float, np.floating)) else str(value)
        return f"<td class='num'>{text}</td>"
    return f"<td>{html.escape('' if value is None else str(value))}</td>"


def audio_player(samples: np.ndarray, sample_rate: int, max_seconds: float = 15.0) -> Raw:
    """An <audio> element with the clip embedded as 16-bit WAV (cut to ``max_seconds``)."""
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim == 2:
        samples = samples.T  # (channels, time) -> (time, channels) for soundfile
    samples = np.nan_to_num(samples[: int(max_seconds * sample_rate)])
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), sample_rate, format="WAV", subtype="PCM_16")
    data = base64.b64encode(buffer.getvalue()).decode()
    return Raw(f"<audio controls preload='none' src='data:audio/wav;base64,{data}'></audio>")
