"""The ASGI app: the versioned JSON API under ``/v1`` (OpenAPI at ``/docs``) and the UI at ``/``.

Run it with ``circularbench serve`` (or ``uvicorn web.app:app``).
"""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from circularbench import __version__
from circularbench import settings as _settings  # noqa: F401  (offline variables before any import)
from web.dependencies import get_holder, get_settings
from web.routers import answers, documents, feedback, health, plans


def create_app(ui: bool | None = None) -> FastAPI:
    """The API; with ``ui`` (default: the ``CIRCULARBENCH_UI`` setting) the Gradio UI at ``/``."""
    app = FastAPI(title="circularbench", version=__version__,
                  description="Document-grounded benchmarking assistant for the circular economy.")

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        # One line per problem, naming the field: "body.k: Input should be less than or equal to 50".
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return JSONResponse({"detail": detail, "errors": errors}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    for module in (health, answers, plans, documents, feedback):
        app.include_router(module.router)
    settings = get_settings()
    if settings.ui if ui is None else ui:
        import gradio as gr

        from web.ui import CSS, build_ui, theme

        # Mounted last: the API routes above keep precedence over the UI's catch-all path.
        app = gr.mount_gradio_app(app, build_ui(get_holder(), settings), path="/", theme=theme(), css=CSS,
                                  ssr_mode=False, footer_links=["api"], show_error=True)
    return app


app = create_app()
