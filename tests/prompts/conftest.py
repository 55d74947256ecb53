"""Fixtures for the prompt tests."""

from support.spoken import stand_in_reader  # noqa: F401  (a fixture, found by name)
