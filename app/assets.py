"""The pinned bpmn-js files (viewer and modeler), dmn-js files (the decision table modeler) and
Chart.js (the monitoring charts), served by the app itself from node_modules: the case page's
diagram, the process editor, the decision table editor and the monitoring page use them, and no
page loads a CDN."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, send_from_directory

bp = Blueprint("assets", __name__)
VIEWER = "bpmn-navigated-viewer.production.min.js"
DMN_MODELER = "dmn-modeler.production.min.js"


class AssetsMissing(RuntimeError):
    pass


def check(directory: str, dmn_directory: str | None = None) -> None:
    """The pinned files are installed, or the app says how to install them (at start, not on a page)."""
    if not (Path(directory) / VIEWER).is_file():
        raise AssetsMissing(
            f"The BPMN diagram viewer is missing ({directory}): run `npm ci` in the project folder "
            "to install the pinned bpmn-js, or set BPMN_JS_DIR"
        )
    if dmn_directory is not None and not (Path(dmn_directory) / DMN_MODELER).is_file():
        raise AssetsMissing(
            f"The DMN decision table editor is missing ({dmn_directory}): run `npm ci` in the project "
            "folder to install the pinned dmn-js, or set DMN_JS_DIR"
        )


@bp.get("/vendor/bpmn-js/<path:filename>")
def bpmn_js(filename: str) -> Response:
    return send_from_directory(Path(current_app.config["BPMN_JS_DIR"]), filename, max_age=86400)


@bp.get("/vendor/dmn-js/<path:filename>")
def dmn_js(filename: str) -> Response:
    return send_from_directory(Path(current_app.config["DMN_JS_DIR"]), filename, max_age=86400)


CHART_JS = Path(__file__).resolve().parents[1] / "node_modules" / "chart.js" / "dist"


@bp.get("/vendor/chart.js/<path:filename>")
def chart_js(filename: str) -> Response:
    return send_from_directory(
        Path(current_app.config.get("CHART_JS_DIR") or CHART_JS), filename, max_age=86400
    )
