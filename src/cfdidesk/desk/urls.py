from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("nuevo/", views.ticket_create, name="create"),
    path("buscar-cliente/", views.company_suggestions, name="company_suggestions"),
    path("acciones/", views.bulk_action, name="bulk"),
    path("correos/", views.inbound_list, name="inbound"),
    path("guardias/", views.oncall_roster, name="oncall"),
    path("guardias/<int:pk>/borrar/", views.oncall_shift_remove, name="oncall_remove"),
    path("<str:number>/", views.ticket_detail, name="detail"),
    path("<str:number>/responder/", views.ticket_reply, name="reply"),
    path("<str:number>/nota/", views.ticket_note, name="note"),
    path("<str:number>/estado/", views.ticket_status, name="status"),
    path("<str:number>/datos/", views.ticket_fields, name="fields"),
    path("<str:number>/protocolo/", views.ticket_protocol, name="protocol"),
    path("<str:number>/escalar/", views.ticket_escalate, name="escalate"),
    path("<str:number>/plantilla/", views.canned_reply, name="canned"),
    path("<str:number>/adjuntos/<int:pk>/", views.attachment_download, name="attachment"),
]
