from cashsheet.api.routers import ApiRouter
from ledger.api import views

router = ApiRouter()
router.register("accounts", views.AccountViewSet, basename="account")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("journal-entries", views.JournalEntryViewSet, basename="journal-entry")
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("bills", views.BillViewSet, basename="bill")
router.register("receipts", views.ReceiptViewSet, basename="receipt")
router.register("payments", views.PaymentViewSet, basename="payment")

urlpatterns = router.urls
