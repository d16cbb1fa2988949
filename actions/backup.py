"""Actions: backup (being written)."""
