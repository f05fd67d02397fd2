from django.urls import path

from atp.ui import lp_runs, views

urlpatterns = [
    path("atp/", views.quote, name="ui-atp-quote"),
    path("atp/line-quote/", views.line_quote, name="ui-atp-line-quote"),
    *lp_runs.urlpatterns,
]
