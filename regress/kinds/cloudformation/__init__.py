"""CloudFormation templates (only the scanner suppressions they declare, for now)."""
