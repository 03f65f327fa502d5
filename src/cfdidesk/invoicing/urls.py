from django.urls import path

from . import views

app_name = "invoicing"
urlpatterns = [
    path("", views.environment_list, name="environments"),
    path("<int:pk>/", views.environment_detail, name="environment"),
    path("<int:pk>/generador/", views.generator_set, name="generator"),
    path("<int:pk>/movimientos/", views.movements_upload, name="upload"),
    path("<int:pk>/importar/", views.documents_import, name="import"),
    path("ejemplo-movimientos.<str:kind>", views.movements_example, name="example"),
    path("documentos/<int:pk>/", views.document_detail, name="document"),
    path("documentos/<int:pk>/xml/", views.document_xml, name="document_xml"),
    path("documentos/<int:pk>/<str:action>/", views.document_action, name="document_action"),
]
