from django.contrib.auth import views as auth_views
from django.urls import path

from relais import login_protection, views
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
    path("compte/", views.account, name="account"),
    path("compte/courriel/", views.email_change, name="email-change"),
    path("compte/courriel/confirmer/<str:token>/", views.email_confirm, name="email-confirm"),
    path("compte/fiche-contact/", views.contact_link_request, name="contact-link-request"),
    path("compte/fiche-contact/confirmer/<str:token>/", views.contact_link_confirm, name="contact-link-confirm"),
    path("verification/", login_protection.verify, name="otp-verify"),
    path("double-authentification/", login_protection.setup, name="otp-setup"),
]
