"""Results: one model (plain data) and its renderers: terminal table, JSON, CSV, the results directory."""
