from django.urls import include, path

from cfdidesk.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("cuenta/", include("cfdidesk.accounts.urls")),
    path("clientes/", include("cfdidesk.customers.urls")),
    path("tickets/", include("cfdidesk.desk.urls")),
    path("api/v1/", api.urls),
    path("", include("cfdidesk.web.urls")),
]
