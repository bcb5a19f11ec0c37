"""A custom middleware: `__init__` runs once per process, `__call__` once
per request. Its place in `settings.MIDDLEWARE` decides what it can see
(`request.user` only exists below `AuthenticationMiddleware`)."""

import logging
import time

logger = logging.getLogger(__name__)


class RequestTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        if elapsed_ms > 500:
            # Formats the message even when WARNING is filtered out.
            logger.warning(f"slow request {request.path} took {elapsed_ms:.0f} ms")
        return response
