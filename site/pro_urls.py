from django.contrib.auth import views as auth_views
from django.urls import path

from relais import accounts, views
from relais.forms import LoginForm

urlpatterns = [
    path("", views.pro_home, name="pro-home"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(template_name="registration/login.html", authentication_form=LoginForm,
                                     redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("verification/", accounts.verify, name="otp-verify"),
    path("double-authentification/", accounts.setup, name="otp-setup"),
]
