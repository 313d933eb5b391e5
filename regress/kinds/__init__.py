"""File kinds: which changed paths form which units, and how a unit becomes model objects."""
