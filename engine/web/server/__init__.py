"""`cfc serve --accounts`: the province server — communes submit, boards appraise, the province recognises and
follows, on one store (engine/store, engine/workflow). app.py lists every route and what it needs."""
