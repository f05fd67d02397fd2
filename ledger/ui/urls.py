from django.urls import path

from ledger.ui import cash, drafts, views

urlpatterns = [
    path("receipts/new/", cash.receipt_new, name="ui-receipts-new"),
    path("payments/new/", cash.payment_new, name="ui-payments-new"),
    path("invoices/new/", drafts.invoice_new, name="ui-invoices-new"),
    path("invoices/<int:pk>/edit/", drafts.invoice_edit, name="ui-invoices-edit"),
    path("bills/new/", drafts.bill_new, name="ui-bills-new"),
    path("bills/<int:pk>/edit/", drafts.bill_edit, name="ui-bills-edit"),
    path("journal-entries/new/", drafts.entry_new, name="ui-journal-entries-new"),
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
