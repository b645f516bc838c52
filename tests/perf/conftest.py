"""Benchmarks print their figures: pytest's output capture is lifted while each test of this folder runs."""

import pytest


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_call(item):
    capture = item.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        yield
