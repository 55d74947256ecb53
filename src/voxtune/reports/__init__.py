"""Self-contained HTML reports (tables, plots, audio players in one file) for corpora and evaluations."""
