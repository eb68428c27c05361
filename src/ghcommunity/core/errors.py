"""Errors that end a command with a clear one-line message and a documented exit code.

Exit codes: 0 ok, 1 operational failure (GitHub refused, network, a job failed),
2 bad input or configuration (the user can fix it by changing what they gave us).
"""

from __future__ import annotations


class GhcError(Exception):
    """Base class: carries the exit code the command line should use."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(GhcError):
    """Bad input from the user: a file, a flag, a body. Exit 2."""

    exit_code = 2


class OperationalError(GhcError):
    """Something outside the user's input went wrong: GitHub, the network. Exit 1."""

    exit_code = 1


class NotBuiltYet(OperationalError):
    """A subcommand whose job has not landed yet says so plainly (exit 1) instead of pretending."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is not built yet in this version of ghcommunity")
