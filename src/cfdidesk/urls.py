from django.urls import include, path

from cfdidesk.accounts.admin_site import site as admin_site
from cfdidesk.api import api
from cfdidesk.desk.survey import views as survey_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("administracion/usuarios/", include("cfdidesk.accounts.urls_users")),
    path("administracion/", admin_site.urls),
    path("cuenta/", include("cfdidesk.accounts.urls")),
    path("clientes/", include("cfdidesk.customers.urls")),
    path("tickets/", include("cfdidesk.desk.urls")),
    path("conocimiento/", include("cfdidesk.kb.urls")),
    path("facturacion/", include("cfdidesk.invoicing.urls")),
    path("encuesta/<str:token>/", survey_views.survey, name="survey"),
    path("portal/", include("cfdidesk.desk.portal.urls")),
    path("api/v1/", api.urls),
    path("", include("cfdidesk.web.urls")),
]

handler400 = "cfdidesk.web.errors.bad_request"
handler403 = "cfdidesk.web.errors.permission_denied"
handler404 = "cfdidesk.web.errors.page_not_found"
handler500 = "cfdidesk.web.errors.server_error"
