"""`cfc serve`: the Starlette application. Every route is in ROUTES below; the handlers live in pages (HTML),
api (JSON) and downloads (files). Safety layers wrap the whole application (engine/web/security.py)."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from engine.history import History
from engine.criteria.model import CriteriaSet
from engine.criteria.versions import CriteriaLibrary
from engine.reports.board import BoardConfig
from engine.web import api, downloads, pages
from engine.web.security import BodyLimit, LoopbackHost, SameOrigin, SecurityHeaders, TokenGate
from engine.web.jobs import READS, Jobs
from engine.web.uploads import Boards

HERE = Path(__file__).parent
MAX_BODY = 10_000_000  # bytes: a filled workbook is ~30 KB, a district's CSV well under 1 MB

ROUTES = [
    Route("/", pages.check_page, methods=["GET"]),
    Route("/favicon.ico", pages.no_icon, methods=["GET"]),
    Route("/upload", pages.upload, methods=["POST"]),
    Route("/board/{board_id}", pages.board_page, methods=["GET"]),
    Route("/board/{board_id}/unit/{index:int}", pages.board_unit_page, methods=["GET"]),
    *[Route(f"/board/{{board_id}}/{document}.{fmt}", downloads.board_document, methods=["GET", "POST"])
      for document in downloads.BOARD_DOCUMENTS for fmt in downloads.DOCUMENT_TYPES],
    Route("/board/{board_id}/file", downloads.board_file, methods=["GET"]),
    Route("/template.xlsx", downloads.blank_template, methods=["GET"]),
    Route("/download/data.csv", downloads.form_data, methods=["POST"]),
    *[Route(f"/download/{name}.{fmt}", endpoint, methods=["POST"])
      for name, endpoint in (("self-assessment", downloads.form_self_assessment),
                             ("appraisal", downloads.form_appraisal)) for fmt in downloads.DOCUMENT_TYPES],
    Route("/api/evaluate", api.evaluate, methods=["POST"]),
    Route("/api/history", api.save, methods=["POST"]),
    Route("/api/history/{unit_code:path}", api.unit_history, methods=["GET"]),
    Route("/api/unit/{code}", api.unit_lookup, methods=["GET"]),
    Route("/api/labels", api.labels, methods=["GET"]),
    Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
]


def create_app(criteria: CriteriaLibrary | CriteriaSet, history: History, token: str | None = None,
               loopback_only: bool = False, max_body: int = MAX_BODY, board: BoardConfig | None = None,
               keep_bytes: int | None = None) -> Starlette:
    """The application for a criteria library (each unit scored by its period's set; the form shows today's) or
    one set, and one history file. `token`: required from every request (the server is bound beyond this
    computer). `loopback_only`: refuse requests not addressed to this computer. `board`: the names the
    documents print (`cfc serve --config`), which the page lets a person complete. `keep_bytes`: the memory the
    uploads' results tables may keep (`cfc serve --keep-mb`)."""
    middleware = [Middleware(SecurityHeaders)]
    if token is not None:
        middleware.append(Middleware(TokenGate, token=token))
    if loopback_only:
        middleware.append(Middleware(LoopbackHost))
    middleware += [Middleware(SameOrigin), Middleware(BodyLimit, limit=max_body)]
    app = Starlette(routes=ROUTES, middleware=middleware,
                    exception_handlers={404: pages.not_found, 405: pages.not_found, 400: pages.bad_request})
    app.state.library = CriteriaLibrary.of(criteria)
    app.state.strict_units = False  # cfc serve --strict-units: a unit the official list does not know is invalid
    app.state.criteria = app.state.library.current()  # the form, the template and the board table's columns
    app.state.history = history
    app.state.board = board or BoardConfig()
    app.state.boards = Boards(keep_bytes) if keep_bytes is not None else Boards()  # within a memory budget
    app.state.jobs = Jobs()  # documents: bounded, cancelled when their client goes or the server stops
    app.state.readings = Jobs(READS)  # uploads: a few read at once, whatever many arrive together
    app.state.templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                                      autoescape=select_autoescape(default=True, default_for_string=True))
    return app
