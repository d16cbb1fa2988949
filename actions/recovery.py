"""Actions: recovery (being written)."""
