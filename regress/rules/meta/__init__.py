"""Findings the engine itself raises: a file it cannot verify, a rule that failed, a change to
regress's own configuration. They are rules like any other so they can be listed, explained,
re-scoped and approved."""

from regress.rules.meta.config_changed import RULE as CONFIG_CHANGED
from regress.rules.meta.rule_error import RULE as RULE_ERROR
from regress.rules.meta.unverifiable import RULE as UNVERIFIABLE

__all__ = ["CONFIG_CHANGED", "RULE_ERROR", "UNVERIFIABLE"]
