"""GitHub Actions: workflows, local composite actions and local reusable workflows."""
