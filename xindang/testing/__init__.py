"""Test support shared by every app's tests, the browser journeys and the benchmarks: factories that
build rows where a persona fixture (conftest.py) does not fit, sample files, and the concurrency runner.

The tests of one app import from here, never from another app's `tests` package
(core/tests/test_test_support.py). Production code never imports this package."""
