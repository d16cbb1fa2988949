"""Actions: meta (being written)."""
