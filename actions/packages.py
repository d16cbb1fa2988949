"""Actions: packages (being written)."""
