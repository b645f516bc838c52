"""The live attendance sheet over websockets: one Channels group per session.

Only a user who runs the body (secretary with the object permission, département admin) may join; the
permission is checked again on every message, so a permission withdrawn mid-session takes effect on the
next tap. A tap goes through the same call as the HTTP sheet (services.set_attendance: saved, then announced
to the group once committed); a (re)connecting client receives the whole state first.

A refused socket is accepted, told why, then closed with 4403 (or 4404): closing before accepting would
reject the handshake, which browsers report as 1006 and retry. A frame that is not a JSON object gets an
error message, never a traceback.
"""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from meetings import live, permissions, services
from meetings.models import Invitation, Meeting
from meetings.services import MeetingRuleError

CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


class SheetConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.meeting_id = int(self.scope["url_route"]["kwargs"]["pk"])
        self.user = self.scope.get("user")
        allowed = await self._allowed()
        if not allowed:
            await self.accept()
            message = (_("Cette séance n'existe pas.") if allowed is None else
                       _("Vous n'avez pas accès à cette feuille : reconnectez-vous avec un compte du secrétariat."))
            await self.send_json({"type": "refused", "message": message})
            await self.close(code=CLOSE_NOT_FOUND if allowed is None else CLOSE_FORBIDDEN)
            return
        self.group = live.group_name(self.meeting_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(await self._state())

    async def disconnect(self, code):
        group = getattr(self, "group", None)
        if group:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Decode a frame; anything but a JSON object is answered with an error (the socket stays open)."""
        try:
            content = json.loads(text_data if text_data is not None else (bytes_data or b"").decode())
        except (ValueError, UnicodeDecodeError):
            content = None
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "message": _("Message illisible : rechargez la page.")})
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        if not await self._allowed():
            await self.send_json({"type": "error", "message": _("Vous n'avez plus accès à cette feuille.")})
            await self.close(code=CLOSE_FORBIDDEN)
            return
        action = content.get("action") if isinstance(content, dict) else None
        if action == "state":
            await self.send_json(await self._state())
        elif action == "set_status":
            try:
                change = await self._set_status(content.get("invitation"), content.get("status") or "",
                                                str(content.get("represented_by") or ""))
            except MeetingRuleError as exc:
                await self.send_json({"type": "error", "message": str(exc)})
                return
            if change.paused:  # saved, but the group did not get it: at least this sheet shows it
                await self.send_json({**change.message, "type": "change", "live": False})
        else:
            await self.send_json({"type": "error", "message": _("Action inconnue.")})

    async def sheet_change(self, event):
        """Handler of the group message type "sheet.change"."""
        await self.send_json({**event, "type": "change"})

    @database_sync_to_async
    def _allowed(self):
        meeting = Meeting.objects.select_related("body").filter(pk=self.meeting_id).first()
        if meeting is None:
            return None
        return permissions.can_manage_body(self.user, meeting.body)

    @database_sync_to_async
    def _state(self):
        return live.sheet_state(Meeting.objects.select_related("body").get(pk=self.meeting_id))

    @database_sync_to_async
    def _set_status(self, invitation_id, status, represented_by) -> services.Change:
        """The HTTP sheet's call (services.set_attendance), run in a thread: it saves, then announces."""
        try:
            invitation = Invitation.objects.select_related("meeting__body").get(pk=int(invitation_id),
                                                                               meeting_id=self.meeting_id)
        except (Invitation.DoesNotExist, TypeError, ValueError):
            raise MeetingRuleError(_("Cette personne n'est pas attendue à cette séance."))
        return services.set_attendance(invitation, status, by=self.user, represented_by=represented_by)
