"""Actions: health (being written)."""
