"""Errors that end a run with exit code 2 and a one-line message (never a traceback)."""


class InputError(Exception):
    """Bad revision, not a repository, unreadable folder, invalid config: the user can fix it."""


class UsageError(InputError):
    """The command line itself is wrong."""
