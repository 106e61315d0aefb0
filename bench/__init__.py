"""Benchmarks of the advisor: FAQ speed, dialogue turns, Telegram end to end, memory and growth.

Run everything with ``make bench`` (``python -m bench``); see :mod:`bench.__main__` for the options.
The benchmark is not part of the unit tests: ``tests/bench`` only runs it on tiny counts to keep the
code working.
"""
