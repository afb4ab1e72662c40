"""Rules: the criteria model, its compilation into durable_rules, evaluation (measures → bands → points → decision), gaps and what-if."""
