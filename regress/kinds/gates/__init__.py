"""Files outside the pipeline that decide whether tests and scans can fail: coverage gates
(Codecov, coverage.py, jest, vitest), pytest options, npm test scripts, scanner configurations and
ignore files, and CODEOWNERS."""
