from django.contrib.auth import views as auth_views
from django.urls import path

from . import login_links, views

app_name = "accounts"
urlpatterns = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revocar/", views.token_revoke, name="token_revoke"),
    path("enlace/", login_links.request_view, name="login_link"),
    path("enlace/<str:token>/", login_links.use_view, name="login_link_use"),
]
