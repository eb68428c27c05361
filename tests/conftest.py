"""Shared test setup: the sandbox's fixtures (`sandbox`, `sample_sandbox`, `github`, ...)."""

pytest_plugins = ("ghcommunity.sandbox.pytest_plugin",)
