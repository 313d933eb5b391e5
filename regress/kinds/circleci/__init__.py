"""CircleCI 2.1: workflows schedule jobs; ``jobs:`` is only a library of definitions."""
