from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("pointage/<str:token>/", views.checkin_view, name="checkin"),
    path("reponse/<str:token>/<str:answer>/", views.reply, name="reply"),
    path("actions/<int:pk>/etat/", views.action_status, name="action-status"),
    path("seances/<int:pk>/", views.meeting_detail, name="meeting"),
    path("seances/<int:pk>/modifier/", views.meeting_edit, name="meeting-edit"),
    path("seances/<int:pk>/ordre-du-jour/", views.agenda_add, name="agenda-add"),
    path("seances/<int:pk>/convoquer/", views.convene, name="convene"),
    path("seances/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("seances/<int:pk>/seance.ics", views.meeting_ics, name="meeting-ics"),
    path("seances/<int:pk>/feuille/", views.sheet, name="sheet"),
    path("seances/<int:pk>/feuille/statut/", views.set_status, name="set-status"),
    path("seances/<int:pk>/feuille/sans-convocation/", views.walk_in, name="walk-in"),
    path("seances/<int:pk>/feuille/siege-jeune/", views.youth_seat, name="youth-seat"),
    path("seances/<int:pk>/feuille/signature/", views.sign, name="sign"),
    path("seances/<int:pk>/feuille/cloture/", views.close, name="close"),
    path("seances/<int:pk>/qr/", views.qr, name="qr"),
    path("seances/<int:pk>/emargement.<str:fmt>", views.export, name="export"),
    path("seances/<int:pk>/compte-rendu/", views.minutes_edit, name="minutes"),
    path("seances/<int:pk>/decisions/", views.decision_add, name="decision-add"),
    path("seances/<int:pk>/actions/", views.action_add, name="action-add"),
    path("<slug:slug>/", views.body_detail, name="body"),
    path("<slug:slug>/generer/", views.generate, name="generate"),
    path("<slug:slug>/nouvelle-seance/", views.meeting_new, name="meeting-new"),
    path("<slug:slug>/calendrier/<str:token>.ics", views.feed, name="feed"),
]
