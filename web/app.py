"""The ASGI app: the versioned JSON API under ``/v1`` (OpenAPI at ``/docs``) and the UI at ``/``.

Run it with ``circularbench serve`` (or ``uvicorn web.app:app``). With ``CIRCULARBENCH_API_KEY``
set, every route but health needs the key (web/auth.py).
"""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from assistant.snapshot import IndexSnapshots
from circularbench import __version__
from circularbench import settings as _settings  # noqa: F401  (offline variables before any import)
from circularbench.settings import Settings
from web import auth
from web.dependencies import get_documents, get_settings, get_snapshots
from web.routers import answers, documents, feedback, health, plans

_FORM_SLACK = 1_000_000  # an upload's form fields and multipart framing, beside the file itself


def create_app(settings: Settings | None = None, ui: bool | None = None) -> FastAPI:
    """The API over ``settings`` (default: from the environment); with ``ui`` (default: the
    ``ui`` setting) the Gradio UI at ``/``."""
    if settings is None:
        settings, snapshots = get_settings(), get_snapshots()
    else:
        snapshots = IndexSnapshots(settings)
    # Refused while it streams in (413): no request body, an upload with its form fields
    # included, is spooled beyond the upload limit.
    body_limit = int(settings.max_upload_mb * 1e6) + _FORM_SLACK
    app = FastAPI(title="circularbench", version=__version__, max_body_size=body_limit,
                  description="Document-grounded benchmarking assistant for the circular economy.")
    app.dependency_overrides[get_settings] = lambda: settings
    app.dependency_overrides[get_snapshots] = lambda: snapshots

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        # One line per problem, naming the field: "body.k: Input should be less than or equal to 50".
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return JSONResponse({"detail": detail, "errors": errors}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    for module in (health, answers, plans, documents, feedback, auth):
        app.include_router(module.router)
    if settings.ui if ui is None else ui:
        import gradio as gr
        from gradio.route_utils import FnIndexInferError

        from web.ui import CSS, build_ui, theme

        # Mounted last: the API routes above keep precedence over the UI's catch-all path.
        app = gr.mount_gradio_app(app, build_ui(snapshots, get_documents(settings, snapshots), settings), path="/",
                                  theme=theme(), css=CSS, ssr_mode=False, footer_links=["api"], show_error=True)
        ui_app = app.routes[-1].app  # the mount just added
        # Gradio answers a call to an endpoint it does not have (/gradio_api/run/predict) with a 500.
        ui_app.add_exception_handler(FnIndexInferError, lambda request, exc: JSONResponse(
            {"detail": f"no such UI endpoint: {exc}"}, status_code=status.HTTP_404_NOT_FOUND))
    # Outermost: no route, of the API or of Gradio, runs for a client without the key.
    app.add_middleware(auth.KeyGate, settings=settings)
    return app


app = create_app()
