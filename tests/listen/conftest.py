"""Fixtures for the listening-test tests: an evaluation folder of short clips, and headless Chromium."""

from support.browser import chromium  # noqa: F401  (fixtures, found by name)
from support.listening import report_dir  # noqa: F401
