from django.urls import path

from . import views

app_name = "kb"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("nuevo/", views.article_create, name="create"),
    path("vista-previa/", views.article_preview, name="preview"),
    path("desde-ticket/<str:number>/", views.article_from_ticket, name="from_ticket"),
    path("publico/", views.public_list, name="public_list"),
    path("publico/<slug:slug>/", views.public_detail, name="public_detail"),
    path("<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:slug>/editar/", views.article_edit, name="edit"),
    path("<slug:slug>/publicar/", views.article_publish, name="publish"),
    path("<slug:slug>/despublicar/", views.article_unpublish, name="unpublish"),
    path("<slug:slug>/eliminar/", views.article_delete, name="delete"),
]
