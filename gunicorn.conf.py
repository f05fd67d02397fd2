"""gunicorn settings, read from the working directory by every `gunicorn` the project starts (docker-compose,
`make serve`, the demo, the tests' servers).

Request limits: gunicorn answers requests over its limits itself, with an HTML page. Its limits are set above
the ones Django enforces (cashsheet.api.middleware.ApiGuardMiddleware: CASHSHEET_MAX_URL_BYTES = 8 KiB → 414,
CASHSHEET_MAX_HEADERS = 100 fields or CASHSHEET_MAX_HEADER_BYTES = 8 KiB in one field → 431), so an API client
gets the JSON error shape; only requests beyond gunicorn's own ceilings below (1 MiB request line, 500 fields,
32 KiB per field) get gunicorn's page. A reverse proxy in front usually cuts earlier still (nginx: 8 KiB).
"""

limit_request_line = 0  # gunicorn's "unlimited": its parser still stops at 1 MiB
limit_request_fields = 500
limit_request_field_size = 32768


def post_worker_init(worker):
    """Prepare the ATP models of the silos that use the ATP before this worker accepts a connection, so no check
    builds one in its request (atp.engine.warmup). The worker's heartbeat runs between models: a long start is
    not mistaken for a hung worker. A failure is logged and the worker serves anyway (models then build lazily)."""
    try:
        from atp.engine.warmup import prepare_at_start

        prepare_at_start(notify=worker.notify)
    except Exception:  # noqa: BLE001 - never keep a worker from serving
        worker.log.exception("ATP preparation at worker start failed")
