"""Criteria: the schema of a criteria file, its loader and consistency checks (model.py), and the sets in force over time (versions.py)."""
