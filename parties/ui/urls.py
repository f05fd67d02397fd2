from parties.ui.views import customers, vendors

urlpatterns = [*customers.urls(), *vendors.urls()]
