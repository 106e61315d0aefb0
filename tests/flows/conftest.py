"""Fixtures for the dialogue tests: the engine fixture is the suite-wide one (tests/conftest.py)."""
