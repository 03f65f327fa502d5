from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_two_factor

app_name = "accounts"
urlpatterns = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("entrar/codigo/", views_two_factor.login_code, name="login_code"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revocar/", views.token_revoke, name="token_revoke"),
    path("enlace/", views.login_link, name="login_link"),
    path("enlace/<str:token>/", views.login_link_use, name="login_link_use"),
    path("clave/<str:uidb64>/<str:token>/", views.password_set, name="password_set"),
    path("seguridad/", views_two_factor.security, name="security"),
    path("seguridad/activar/", views_two_factor.two_factor_enrol, name="two_factor_enrol"),
    path("seguridad/codigos/", views_two_factor.recovery_codes_renew, name="recovery_codes_renew"),
    path("seguridad/desactivar/", views_two_factor.two_factor_disable, name="two_factor_disable"),
]
