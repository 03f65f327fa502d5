from django.urls import path

from .inbox import views as inbox
from .oncall import views as oncall
from .tickets import views as tickets

app_name = "desk"
urlpatterns = [
    path("", tickets.ticket_list, name="list"),
    path("nuevo/", tickets.ticket_create, name="create"),
    path("buscar-cliente/", tickets.company_suggestions, name="company_suggestions"),
    path("acciones/", tickets.bulk_action, name="bulk"),
    path("correos/", inbox.inbound_list, name="inbound"),
    path("guardias/", oncall.oncall_roster, name="oncall"),
    path("guardias/<int:pk>/borrar/", oncall.oncall_shift_remove, name="oncall_remove"),
    path("<str:number>/", tickets.ticket_detail, name="detail"),
    path("<str:number>/responder/", tickets.ticket_reply, name="reply"),
    path("<str:number>/nota/", tickets.ticket_note, name="note"),
    path("<str:number>/estado/", tickets.ticket_status, name="status"),
    path("<str:number>/datos/", tickets.ticket_fields, name="fields"),
    path("<str:number>/protocolo/", tickets.ticket_protocol, name="protocol"),
    path("<str:number>/escalar/", tickets.ticket_escalate, name="escalate"),
    path("<str:number>/plantilla/", tickets.canned_reply, name="canned"),
    path("<str:number>/adjuntos/<int:pk>/", tickets.attachment_download, name="attachment"),
]
