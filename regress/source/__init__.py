"""Reading the two sides of a change: git commits, the working tree, or folders."""
