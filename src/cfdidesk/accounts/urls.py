from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revocar/", views.token_revoke, name="token_revoke"),
    path("enlace/", views.login_link, name="login_link"),
    path("enlace/<str:token>/", views.login_link_use, name="login_link_use"),
]
