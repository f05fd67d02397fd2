from django.urls import path

from ledger.ui import views

urlpatterns = [
    path("receipts/new/", views.receipt_new, name="ui-receipts-new"),
    path("payments/new/", views.payment_new, name="ui-payments-new"),
    path("journal-entries/<int:pk>/reverse/", views.entry_reverse, name="ui-journal-entries-reverse"),
    path("periods/<int:pk>/<str:action>/", views.period_action, name="ui-periods-action"),
    path("invoices/<int:pk>/<str:action>/", views.document_action, {"kind": "invoices"}, name="ui-invoices-action"),
    path("bills/<int:pk>/<str:action>/", views.document_action, {"kind": "bills"}, name="ui-bills-action"),
    *views.invoices.urls(),
    *views.bills.urls(),
    *views.receipts.urls(),
    *views.payments.urls(),
    *views.journal_entries.urls(),
    *views.periods.urls(),
]
