"""Fixtures for the recording studio's tests: the headless Chromium factory from support.browser."""

from support.browser import chromium  # noqa: F401  (a fixture, found by name)
