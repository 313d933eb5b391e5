"""regress: a pull request may not quietly remove tests, weaken security, drop monitoring or cut
reliability."""

__version__ = "0.1.0"
