"""URLs served at a silo's host, e.g. https://blythe.cashsheets.com/.

/api/v2/ is current; /api/v1/ serves the same resources with deprecation headers (see
cashsheet.api.middleware). Each app contributes its routes in <app>/api/urls.py.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from cashsheet.api import views as api_views

api_patterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(urlconf="cashsheet.urls_tenant"), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
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
    path("", include("silos.members.ui.urls")),
]

handler400 = "cashsheet.api.views.handler400"
handler403 = "cashsheet.api.views.handler403"
handler404 = "cashsheet.api.views.handler404"
handler500 = "cashsheet.api.views.handler500"
