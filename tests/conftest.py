"""Shared pytest configuration: the simulator fixtures for every test package."""

pytest_plugins = ["simulator.pytest_plugin"]
