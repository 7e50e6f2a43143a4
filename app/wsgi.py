"""The WSGI entry for gunicorn: `gunicorn app.wsgi:app` (configuration from the environment)."""

import gc

from app import create_app

app = create_app()
# The app, parsed diagrams and catalogues live as long as the process: keep them out of full
# garbage collections, which showed up as ~90 ms pauses in step latency (bench/lifecycle.py).
gc.freeze()
