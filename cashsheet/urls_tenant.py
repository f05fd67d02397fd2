"""URLs served at a silo's host, e.g. https://blythe.cashsheets.com/.

/api/v2/ is current; /api/v1/ serves the same resources with deprecation headers (see
cashsheet.api.middleware). Each app contributes its routes in <app>/api/urls.py.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from cashsheet.api import views as api_views

api_patterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(urlconf="cashsheet.urls_tenant"), name="api-schema"),
    # Split view: Swagger UI's settings come as a script file, not inline, so the page keeps a strict CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include("cashsheet.api.urls")),
    path("", include("silos.members.api.urls")),
    path("", include("parties.api.urls")),
    path("", include("sales.api.urls")),
    path("", include("inventory.api.urls")),
    path("", include("ledger.api.urls")),
    path("", include("atp.api.urls")),
    path("", include("operations.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("audit.api.urls")),
    path("", api_views.api_root, name="api-root"),
]

urlpatterns = [
    re_path(r"^api/(?P<version>v1|v2)/", include(api_patterns)),
    # The silo UI: the shell, then each app's screens.
    path("", include("cashsheet.ui.urls")),
    path("", include("silos.members.ui.urls")),
    path("", include("webhooks.ui.urls")),
    path("", include("parties.ui.urls")),
    path("", include("inventory.ui.urls")),
    path("", include("sales.ui.urls")),
    path("", include("atp.ui.urls")),
    path("", include("ledger.ui.urls")),
    path("", include("operations.ui.urls")),
    path("", include("cashsheet.ui.urls_reports")),
]

# HTML in the UI, the API's JSON error shape under /api/.
handler400 = "cashsheet.ui.views.handler400"
handler403 = "cashsheet.ui.views.handler403"
handler404 = "cashsheet.ui.views.handler404"
handler500 = "cashsheet.ui.views.handler500"
