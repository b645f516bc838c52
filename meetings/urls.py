from django.urls import path

from meetings.views import bodies, checkin, exports, minutes, sessions, sheet

app_name = "meetings"

urlpatterns = [
    path("", bodies.index, name="index"),
    path("pointage/<str:token>/", checkin.checkin_view, name="checkin"),
    path("pointage/code/<str:code>/", checkin.checkin_code, name="checkin-code"),
    path("reponse/<str:token>/<str:answer>/", sessions.reply, name="reply"),
    path("actions/<int:pk>/etat/", minutes.action_status, name="action-status"),
    path("seances/<int:pk>/", sessions.meeting_detail, name="meeting"),
    path("seances/<int:pk>/modifier/", sessions.meeting_edit, name="meeting-edit"),
    path("seances/<int:pk>/ordre-du-jour/", sessions.agenda_add, name="agenda-add"),
    path("seances/<int:pk>/convoquer/", sessions.convene, name="convene"),
    path("seances/<int:pk>/annuler/", sessions.cancel, name="cancel"),
    path("seances/<int:pk>/seance.ics", sessions.meeting_ics, name="meeting-ics"),
    path("seances/<int:pk>/feuille/", sheet.sheet, name="sheet"),
    path("seances/<int:pk>/feuille/statut/", sheet.set_status, name="set-status"),
    path("seances/<int:pk>/feuille/sans-convocation/", sheet.walk_in, name="walk-in"),
    path("seances/<int:pk>/feuille/siege-jeune/", sheet.youth_seat, name="youth-seat"),
    path("seances/<int:pk>/feuille/signature/", sheet.sign, name="sign"),
    path("seances/<int:pk>/feuille/signature-manuscrite/", sheet.draw_sign, name="draw-sign"),
    path("seances/<int:pk>/feuille/cloture/", sheet.close, name="close"),
    path("seances/<int:pk>/qr/", checkin.qr, name="qr"),
    path("seances/<int:pk>/emargement.<str:fmt>", exports.export, name="export"),
    path("seances/<int:pk>/historique.csv", exports.history, name="history"),
    path("seances/<int:pk>/attestation/<int:invitation>.pdf", exports.certificate, name="certificate"),
    path("seances/<int:pk>/compte-rendu/", minutes.minutes_edit, name="minutes"),
    path("seances/<int:pk>/decisions/", minutes.decision_add, name="decision-add"),
    path("seances/<int:pk>/actions/", minutes.action_add, name="action-add"),
    path("<slug:slug>/", bodies.body_detail, name="body"),
    path("<slug:slug>/generer/", bodies.generate, name="generate"),
    path("<slug:slug>/nouvelle-seance/", bodies.meeting_new, name="meeting-new"),
    path("<slug:slug>/calendrier/<str:token>.ics", bodies.feed, name="feed"),
]
