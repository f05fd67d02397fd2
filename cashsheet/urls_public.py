"""URLs of the public host (and of any host that is no silo's): platform administration only.

There is no cross-silo API: everything under /api/ here answers 404 in JSON.
"""

from django.contrib import admin
from django.urls import path, re_path

from cashsheet.api import views as api_views

urlpatterns = [
    path("admin/", admin.site.urls),
    re_path(r"^api/", api_views.handler404),
]

handler400 = "cashsheet.api.views.handler400"
handler403 = "cashsheet.api.views.handler403"
handler404 = "cashsheet.api.views.handler404"
handler500 = "cashsheet.api.views.handler500"
