from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.company_list, name="list"),
    path("nuevo/", views.company_create, name="create"),
    path("campos-sat/", views.sat_fields, name="sat_fields"),
    path("exportar.csv", views.export_csv, name="export"),
    path("carga-masiva/", views.import_upload, name="import"),
    path("carga-masiva/ejemplo.zip", views.import_template, name="import_template"),
    path("carga-masiva/procesos/", views.import_jobs, name="import_jobs"),
    path("carga-masiva/procesos/<int:pk>/", views.import_job_detail, name="import_job"),
    path(
        "carga-masiva/procesos/<int:pk>/confirmar/",
        views.import_job_confirm,
        name="import_job_confirm",
    ),
    path(
        "carga-masiva/procesos/<int:pk>/cancelar/",
        views.import_job_cancel,
        name="import_job_cancel",
    ),
    path("contactos/<int:pk>/editar/", views.contact_edit, name="contact_edit"),
    path("contactos/<int:pk>/eliminar/", views.contact_delete, name="contact_delete"),
    path("contactos/<int:pk>/portal/", views.contact_portal_invite, name="contact_portal_invite"),
    path(
        "contactos/<int:pk>/portal/revocar/",
        views.contact_portal_revoke,
        name="contact_portal_revoke",
    ),
    path("<int:pk>/", views.company_detail, name="detail"),
    path("<int:pk>/editar/", views.company_edit, name="edit"),
    path("<int:pk>/eliminar/", views.company_delete, name="delete"),
    path("<int:pk>/restaurar/", views.company_restore, name="restore"),
    path("<int:pk>/contactos/nuevo/", views.contact_create, name="contact_create"),
]
