from django.urls import path

from cashsheet.ui import reports

urlpatterns = [
    path("reports/", reports.report_index, name="ui-reports"),
    path("reports/<slug:name>/", reports.report_page, name="ui-report"),
]
