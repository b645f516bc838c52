"""Benchmark: 50 open sheets of one session over channels-redis; how long until a tap reaches each of them.

Each round, one secretary's sheet sends a status change over its websocket; the consumer saves it through
the ORM, broadcasts it through Redis, and every one of the 50 sheets (channels' communicators, each running
the real consumer) receives it. Prints the median and p95 of the per-sheet latency and of the time until
the last sheet has it. Targets on loopback: median < 100 ms, p95 < 250 ms.
"""

import statistics
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from meetings.routing import websocket_urlpatterns

pytestmark = [pytest.mark.perf, pytest.mark.services, pytest.mark.django_db(transaction=True)]

SHEETS = 50
# channels-redis queues every message for one process's consumers under one key, capped by "capacity"
# (default 100): 50 sheets in one process take 51 slots per tap, so two quick taps overflow the default and
# group_send silently drops the rest. Production must raise it (see docs/meetings.md); this is the value asked.
CAPACITY = 1500
ROUNDS = 40


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _session_with_members(secretary, members=40):
    from datetime import timedelta

    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from directory.models import Contact, Organisation
    from meetings.models import Body, BodyMember, Meeting
    from meetings.services import freeze_invitations

    body = Body.objects.create(name="Comité de suivi (banc d'essai)", kind=Body.Kind.COMITE_SUIVI, youth_seats=2)
    for n in range(members):
        org = Organisation.objects.create(name=f"Partenaire {n:03d}", slug=f"bench-{n}", status="published")
        contact = Contact.objects.create(organisation=org, name=f"Personne {n:03d}")
        BodyMember.objects.create(body=body, organisation=org, contact=contact)
    assign_perm("meetings.manage_body", secretary, body)
    start = timezone.now()
    meeting = Meeting.objects.create(body=body, starts_at=start, ends_at=start + timedelta(hours=2))
    freeze_invitations(meeting)
    return meeting, list(meeting.invitations.values_list("pk", flat=True))


async def test_a_tap_reaches_50_open_sheets(redis_channel_layer, as_user, secretary):
    redis_channel_layer(14, capacity=CAPACITY)
    meeting, invitation_ids = await sync_to_async(_session_with_members)(secretary)
    app = as_user(URLRouter(websocket_urlpatterns), secretary)
    path = f"/ws/instances/seances/{meeting.pk}/"
    sender = WebsocketCommunicator(app, path)
    assert (await sender.connect())[0]
    await sender.receive_json_from()
    sheets = []
    for _ in range(SHEETS):
        ws = WebsocketCommunicator(app, path)
        assert (await ws.connect(timeout=5))[0]
        await ws.receive_json_from(timeout=5)
        sheets.append(ws)

    per_sheet, until_last = [], []
    statuses = ["present", "remote", "excused", "absent"]
    for n in range(ROUNDS):
        invitation, status = invitation_ids[n % len(invitation_ids)], statuses[n % len(statuses)]
        start = time.perf_counter()
        await sender.send_json_to({"action": "set_status", "invitation": invitation, "status": status})
        latencies = []
        for ws in sheets:
            message = await ws.receive_json_from(timeout=5)
            assert message.get("row"), message
            assert message["row"]["invitation"] == invitation and message["row"]["status"] == status
            latencies.append((time.perf_counter() - start) * 1000)
        await sender.receive_json_from(timeout=5)  # the sender's own sheet gets it too
        per_sheet += latencies
        until_last.append(max(latencies))

    for ws in [sender, *sheets]:
        await ws.disconnect()
    channel_layers.backends.clear()

    median, p95 = statistics.median(per_sheet), _p95(per_sheet)
    print(f"\n[bench_meetings] {SHEETS} open sheets over channels-redis (capacity {CAPACITY}), {ROUNDS} taps "
          f"({len(per_sheet)} deliveries, ORM save included)")
    print(f"[bench_meetings] per sheet: median {median:.1f} ms, p95 {p95:.1f} ms, max {max(per_sheet):.1f} ms")
    print(f"[bench_meetings] until the last sheet: median {statistics.median(until_last):.1f} ms, "
          f"p95 {_p95(until_last):.1f} ms  (targets: median < 100 ms, p95 < 250 ms)")
    assert median < 100 and p95 < 250
