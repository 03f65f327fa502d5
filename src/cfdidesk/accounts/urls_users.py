"""Administración → Usuarios, mounted at /administracion/usuarios/ (before the admin site)."""

from django.urls import path

from . import views_users

app_name = "users"
urlpatterns = [
    path("", views_users.user_list, name="list"),
    path("nuevo/", views_users.user_create, name="create"),
    path("verificacion/", views_users.two_factor_roles, name="two_factor_roles"),
    path("<int:pk>/", views_users.user_detail, name="detail"),
    path("<int:pk>/desactivar/", views_users.user_deactivate, name="deactivate"),
    path("<int:pk>/reactivar/", views_users.user_reactivate, name="reactivate"),
    path("<int:pk>/restablecer/", views_users.user_password_link, name="password_link"),
    path(
        "<int:pk>/quitar-verificacion/", views_users.user_two_factor_reset, name="two_factor_reset"
    ),
]
