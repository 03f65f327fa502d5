from django.urls import path

from .inbox import views as inbox
from .oncall import views as oncall
from .queue import views as queue
from .tags import views as tags
from .tickets import views as tickets
from .tickets import work_views as work

app_name = "desk"
urlpatterns = [
    path("", tickets.ticket_list, name="list"),
    path("nuevo/", tickets.ticket_create, name="create"),
    path("buscar-cliente/", tickets.company_suggestions, name="company_suggestions"),
    path("acciones/", tickets.bulk_action, name="bulk"),
    path("correos/", inbox.inbound_list, name="inbound"),
    path("guardias/", oncall.oncall_roster, name="oncall"),
    path("guardias/<int:pk>/borrar/", oncall.oncall_shift_remove, name="oncall_remove"),
    path("vistas/", queue.saved_view_create, name="view_create"),
    path("vistas/<int:pk>/", queue.saved_view_update, name="view_update"),
    path("vistas/<int:pk>/borrar/", queue.saved_view_delete, name="view_delete"),
    path("<str:number>/", tickets.ticket_detail, name="detail"),
    path("<str:number>/responder/", tickets.ticket_reply, name="reply"),
    path("<str:number>/nota/", tickets.ticket_note, name="note"),
    path("<str:number>/estado/", tickets.ticket_status, name="status"),
    path("<str:number>/datos/", tickets.ticket_fields, name="fields"),
    path("<str:number>/protocolo/", tickets.ticket_protocol, name="protocol"),
    path("<str:number>/escalar/", tickets.ticket_escalate, name="escalate"),
    path("<str:number>/plantilla/", tickets.canned_reply, name="canned"),
    path("<str:number>/adjuntos/<int:pk>/", tickets.attachment_download, name="attachment"),
    path("<str:number>/presencia/", queue.presence, name="presence"),
    path("<str:number>/etiquetas/", tags.ticket_tags, name="tags"),
    path("<str:number>/fusionar/", work.ticket_merge, name="merge"),
    path("<str:number>/relacionar/", work.ticket_link, name="link"),
    path("<str:number>/relacionar/quitar/", work.ticket_unlink, name="unlink"),
    path("<str:number>/macro/", work.macro_apply, name="macro"),
]
