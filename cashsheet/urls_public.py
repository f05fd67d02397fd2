"""URLs of the public host (and of any host that is no silo's): platform administration only.

There is no cross-silo API: everything under /api/ here answers 404 in JSON, whatever the method (exempt
from CSRF, so a POST without a token is the same 404 as a GET, not Django's CSRF 403: there is nothing here
a forged request could change).
"""

from django.contrib import admin
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from cashsheet.api import views as api_views

urlpatterns = [
    path("admin/", admin.site.urls),
    re_path(r"^api/", csrf_exempt(api_views.handler404)),
]

handler400 = "cashsheet.api.views.handler400"
handler403 = "cashsheet.api.views.handler403"
handler404 = "cashsheet.api.views.handler404"
handler500 = "cashsheet.api.views.handler500"
