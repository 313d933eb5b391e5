"""The CI model shared by every pipeline platform: pipelines, jobs, steps, classifications."""
