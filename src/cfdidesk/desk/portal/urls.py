from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("nuevo/", views.ticket_new, name="new"),
    path("tickets/<str:number>/", views.ticket_detail, name="detail"),
    path("tickets/<str:number>/responder/", views.ticket_reply, name="reply"),
    path("tickets/<str:number>/adjuntos/<int:pk>/", views.attachment_download, name="attachment"),
]
