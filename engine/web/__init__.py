"""cfc serve: a local web page where a commune self-checks (engine/web/app.py lists every route)."""
