"""Actions: report (being written)."""
