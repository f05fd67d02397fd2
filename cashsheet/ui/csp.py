"""A Content-Security-Policy on every HTML page: scripts and styles from our own static files only.

The silo UI has no inline script or style (htmx is configured not to inject its indicator style, see
ui/base.html), so `'self'` suffices. Swagger UI, ReDoc (under /api/) and the Django admin set inline styles,
so those pages allow inline styles, and ReDoc its blob: worker; scripts stay `'self'` everywhere.
"""

from django.conf import settings

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
DOCS = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response or not response.get("Content-Type", "").startswith("text/html"):
            return response
        loose = request.path.startswith(("/api/", "/admin/"))
        policy = getattr(settings, "CASHSHEET_CSP_DOCS", DOCS) if loose else getattr(settings, "CASHSHEET_CSP", STRICT)
        response["Content-Security-Policy"] = policy
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        return response
