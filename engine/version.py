"""cfc's version: stamped in every results file beside the criteria set that scored each unit (RFC-013 of the
Dutch regelrecht: a result names the rules and the engine that produced it). pyproject.toml reads it from here."""
__version__ = "0.2.0"
