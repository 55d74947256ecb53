"""Pin the spoken-form step to voxtune's stand-in digit reader, whatever normaliser is installed.

Tests about what happens to refused lines (the ledger) need lines that are refused for sure; the
stand-in refuses "25 kroner" where a full normaliser would read it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def stand_in_reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from voxtune.prompts import spoken

    monkeypatch.setattr(spoken, "shared_normaliser", lambda: None)
    yield
