"""Rules for files outside the pipeline that gate tests and scans (coverage gates, test options,
npm test scripts, scanner configurations and ignore files, CODEOWNERS)."""
