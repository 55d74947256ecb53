"""What users see in the terminal: progress bars and summary tables (rich)."""
