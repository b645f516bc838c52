"""Benchmarks of the meetings module: its list pages' SQL at 1× and 10× the data; a tap reaching 50 open sheets.

List pages (first pass of `make test`, SQLite): the bodies list, a body's sessions, a session's page, the live
sheet of a committee and of a training, the sheet's CSV/XLSX/PDF downloads and the body's calendar feed, each
as the secretary who runs them, with 10 times more bodies, sessions, members, walk-ins, agenda items,
decisions, actions and training signatures the second time. Bars: each page's query count is pinned
(``LIST_QUERY_BARS``) and the same at both sizes.

Live sheets (second pass, channels-redis): each round, one secretary's sheet sends a status change over its
websocket; the consumer saves it through the ORM, broadcasts it through Redis, and every one of the 50 sheets
(channels' communicators, each running the real consumer) receives it. Prints the median and p95 of the
per-sheet latency and of the time until the last sheet has it, beside the floor: the same tap on another
session under way where only the sender's sheet is open (ORM save and Redis round trip, no fan-out), in the
same round, the two taking turns going first, after two untimed rounds. Bars on those ratios (see conftest.py).

Self check-in (second pass): 400 people of a training check in with their personal codes through the HTTP
view, all behind one address, while two of the secretary's sheets are open; prints the median and p95 from
the tap to both sheets showing the person, against the goal (p95 ≤ 1 s). Bars on ratios within the run.
"""

import statistics
import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections

from meetings.routing import websocket_urlpatterns
from tests.perf.conftest import Timing, count_queries, report, serve

pytestmark = [pytest.mark.perf]

SHEETS = 50
# channels-redis queues every message for one process's consumers under one key, capped by "capacity"
# (default 100): 50 sheets in one process take 51 slots per tap, so two quick taps overflow the default and
# group_send silently drops the rest. Production must raise it (see docs/meetings.md); this is the value asked.
CAPACITY = 1500
WARM_UP = 2
ROUNDS = 60
# Bars: the time until the last of the 50 sheets has a tap (and each sheet's), as a ratio to the same tap on a
# session with only the sender's sheet open, in the same round (measured here: 1.1–1.3× at a load of 7–11 on
# 2 cores, one run's ratio 1.07–1.25 for 90 % of resamplings of its rounds; fan-out is cheap).
# Both sessions are under way and every tap must be saved: the floor's session used to be tomorrow's, where
# "present" and "remote" are refused (an arrival time is asked) and cost a third of a saved tap, so the floor's
# median jumped between two kinds of taps and the ratio between 1.4 and 2.6 (CI once: 2.07 > 2). A check of
# the bar: one SQL query per sheet and message in the consumer gives 11×.
UNTIL_LAST_BAR = 2.0
PER_SHEET_BAR = 2.0


def _session_with_members(secretary, members=40):
    """Two sessions of one body under way, ``members`` invitations each: one for the 50 sheets, one for the floor."""
    from datetime import timedelta

    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from meetings.models import Body
    from tests.builders import make_meeting, seat_partner

    body = Body.objects.create(name="Comité de suivi (banc d'essai)", kind=Body.Kind.COMITE_SUIVI, youth_seats=2)
    for n in range(members):
        seat_partner(body, {"name": f"Partenaire {n:03d}", "slug": f"bench-{n}"}, {"name": f"Personne {n:03d}"})
    assign_perm("meetings.manage_body", secretary, body)
    sessions = []
    for minutes in (1, 2):  # both under way: a "present" tap on a session not under way asks for a time
        meeting = make_meeting(body, start=timezone.now().replace(microsecond=0) - timedelta(minutes=minutes),
                               convene=True)
        sessions.append((meeting, list(meeting.invitations.values_list("pk", flat=True))))
    return sessions


async def _open(app, meeting):
    ws = WebsocketCommunicator(app, f"/ws/instances/seances/{meeting.pk}/")
    assert (await ws.connect(timeout=5))[0]
    await ws.receive_json_from(timeout=5)
    return ws


async def _tap(sender, sheets, invitation, status):
    """Milliseconds until each sheet (and last, the sender's own) has the change."""
    start = time.perf_counter()
    await sender.send_json_to({"action": "set_status", "invitation": invitation, "status": status})
    latencies = []
    for ws in sheets:
        message = await ws.receive_json_from(timeout=5)
        assert message.get("row"), message
        assert message["row"]["invitation"] == invitation and message["row"]["status"] == status
        latencies.append((time.perf_counter() - start) * 1000)
    own = await sender.receive_json_from(timeout=5)  # the sender's own sheet gets it too
    # A refused tap (an error message, nothing saved) would be a cheaper tap than the others: it must not pass.
    assert (own.get("row") or {}).get("status") == status, own
    latencies.append((time.perf_counter() - start) * 1000)
    return latencies


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
async def test_a_tap_reaches_50_open_sheets(redis_channel_layer, as_user, secretary):
    redis_channel_layer(14, capacity=CAPACITY)
    (meeting, invitation_ids), (alone, alone_ids) = await sync_to_async(_session_with_members)(secretary)
    app = as_user(URLRouter(websocket_urlpatterns), secretary)
    sender, floor_sender = await _open(app, meeting), await _open(app, alone)
    sheets = [await _open(app, meeting) for _ in range(SHEETS)]

    per_sheet, until_last, floor = [], [], []
    statuses = ["present", "remote", "excused", "absent"]
    for n in range(WARM_UP + ROUNDS):
        status = statuses[n % len(statuses)]
        one = _tap(floor_sender, [], alone_ids[n % len(alone_ids)], status)
        fifty = _tap(sender, sheets, invitation_ids[n % len(invitation_ids)], status)
        if n % 2:  # the floor and the fan-out take turns going first: neither always follows the other
            latencies = await fifty
            alone_ms = (await one)[-1]
        else:
            alone_ms = (await one)[-1]
            latencies = await fifty
        if n < WARM_UP:
            continue
        floor.append(alone_ms)
        per_sheet += latencies[:-1]
        until_last.append(max(latencies))

    for ws in [sender, floor_sender, *sheets]:
        await ws.disconnect()
    channel_layers.backends.clear()
    # The thread that ran the ORM keeps its connection open, which would stop the test database's teardown.
    await sync_to_async(connections.close_all)()

    print(f"\nbench_meetings: {SHEETS} open sheets of one session over channels-redis (capacity {CAPACITY}), "
          f"{ROUNDS} taps after {WARM_UP} untimed ({len(per_sheet)} deliveries, ORM save included), wall time; "
          f"floor: the same tap on a session whose only open sheet is the sender's, in the same round, taking "
          f"turns going first")
    last = Timing.of(until_last, floor)
    sheet = Timing.of(per_sheet, floor)
    failures = [
        report("bench_meetings tap → last of 50 sheets", last, bar=UNTIL_LAST_BAR),
        report("bench_meetings tap → each of 50 sheets", sheet, bar=PER_SHEET_BAR),
    ]
    assert not any(failures), [f for f in failures if f]


# --- Self check-in: 400 personal codes reaching two open sheets ---------------------------------------------
CHECKINS = 400
CHECKIN_SHEETS = 2
# Bars, both within the same 400 check-ins (so the machine's load hits both sides alike):
# - the tail: p95 of "check-in → both sheets" at most 3× its median (a queue that builds up, a sheet that
#   misses messages and waits, or a rate limit that slows the late phones all show here first);
# - the sheets against the phone: the median time until both sheets show the person, as a ratio to the median
#   time until the phone has its own answer (the same check-ins). The announcement leaves on commit, while the
#   phone's page is being rendered: the sheets show the person within a few milliseconds of the phone's answer
#   (measured 1.06–1.08×; p95 / median 1.4–1.6×).
CHECKIN_TAIL_BAR = 3.0
CHECKIN_SHEETS_BAR = 1.5
CHECKIN_GOAL_MS = 1000  # the roadmap's goal for the p95, printed only (milliseconds are never asserted)


def _training_of(secretary, people: int):
    """A training running now (half-days included, so each check-in also signs the current one) with
    ``people`` invitees; [(invitation id, personal check-in URL)] in order."""
    from django.urls import reverse
    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from meetings import services
    from meetings.models import Body, Invitation
    from tests.builders import make_meeting

    body = Body.objects.create(name="Formation départementale (banc d'essai)", kind=Body.Kind.FORMATION,
                               youth_seats=0)
    assign_perm("meetings.manage_body", secretary, body)
    meeting = make_meeting(body, start=timezone.now().replace(microsecond=0) - timedelta(minutes=30), hours=3,
                           convene=True)
    services.ensure_half_days(meeting)
    Invitation.objects.bulk_create([
        Invitation(meeting=meeting, person_key=f"name:stagiaire-{n}", person_name=f"Stagiaire {n:03d}",
                   email=f"stagiaire{n}@exemple.invalid", position=n) for n in range(people)])
    return meeting, [(pk, reverse("meetings:checkin-code", args=[code]))
                     for pk, code in meeting.invitations.order_by("pk").values_list("pk", "checkin_code")]


async def _shown(ws, invitation: int) -> float:
    """When this sheet shows ``invitation`` present (the next message must be that one)."""
    message = await ws.receive_json_from(timeout=10)
    row = message.get("row") or {}
    assert row.get("invitation") == invitation and row.get("status") == "present", message
    return time.perf_counter()


async def _check_in(server, url: str, headers: dict, sheets, invitation: int) -> tuple[bool, float, float]:
    """A new phone posts the personal code's form: (recorded, ms until every sheet shows it, ms until the
    phone has its answer)."""
    import asyncio

    def post():
        server.cookies.clear()  # a phone of its own (a new Client would load the middleware again each time)
        response = server.post(url, {}, **headers)
        return response, time.perf_counter()

    start = time.perf_counter()
    answer = asyncio.ensure_future(sync_to_async(post)())
    try:
        shown = await asyncio.gather(*(_shown(ws, invitation) for ws in sheets))
    except TimeoutError:  # nothing announced: say what the phone was told
        response, _answered = await answer
        raise AssertionError(f"no sheet shows invitation {invitation}: the phone got {response.status_code} "
                             f"{response.content.decode()[:300]}") from None
    response, answered = await answer
    recorded = response.status_code == 200 and "présence est enregistrée" in response.content.decode()
    return recorded, (max(shown) - start) * 1000, (answered - start) * 1000


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
async def test_400_check_ins_reach_two_open_sheets(redis_channel_layer, as_user, secretary, settings):
    """400 people check in with their personal codes, all behind the venue's one address (the worst case for
    the limits, which key on the real client address behind the load balancer), one after the other as fast
    as the server answers: the 5 minutes of the goal compressed into the time the requests take."""
    from uuid import uuid4

    from django.test import Client

    redis_channel_layer(9, capacity=CAPACITY)
    settings.RELAIS_PROXY_COUNT = 1
    # The venue's address, new each run: the limits count in the real cache (Redis), which outlives a run.
    headers = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": f"2001:db8::{uuid4().hex[:4]}"}
    meeting, people = await sync_to_async(_training_of)(secretary, CHECKINS)
    app = as_user(URLRouter(websocket_urlpatterns), secretary)
    sheets = [await _open(app, meeting) for _ in range(CHECKIN_SHEETS)]
    server = Client()

    started = time.perf_counter()
    refused, until_shown, until_answered = [], [], []
    for n, (invitation, url) in enumerate(people):
        recorded, shown, answered = await _check_in(server, url, headers, sheets, invitation)
        if not recorded:
            refused.append(n)
        until_shown.append(shown)
        until_answered.append(answered)
    elapsed = time.perf_counter() - started

    for ws in sheets:
        assert await ws.receive_nothing(timeout=0.2), "a sheet got more than one message per check-in"
        await ws.disconnect()
    channel_layers.backends.clear()
    present = await sync_to_async(lambda: meeting.attendances.filter(status="present").count())()
    signed = await sync_to_async(lambda: sum(h.signatures.count() for h in meeting.half_days.all()))()
    await sync_to_async(connections.close_all)()

    print(f"\nbench_meetings: {CHECKINS} self check-ins by personal code (one new phone each, all behind one "
          f"address), one after the other as fast as the server answers ({elapsed:.1f} s for the whole room, "
          f"against the 5 minutes of the goal), {CHECKIN_SHEETS} secretary's sheets open over channels-redis; "
          f"from the phone's tap to the last of the {CHECKIN_SHEETS} sheets showing the person")
    shown = Timing.of(until_shown, until_answered)  # the "floor" printed: the phone's own answer
    tail = shown.p95 / shown.median
    first, last = statistics.median(until_shown[:100]), statistics.median(until_shown[-100:])
    failures = [
        report("bench_meetings check-in → both sheets, p95 / median", shown, ratio=tail, bar=CHECKIN_TAIL_BAR,
               note=f"p95 {shown.p95:.0f} ms against the goal ≤ {CHECKIN_GOAL_MS} ms"
                    f" ({'met' if shown.p95 <= CHECKIN_GOAL_MS else 'NOT met'} on this machine)"),
        report("bench_meetings check-in → both sheets / → phone's answer", shown, bar=CHECKIN_SHEETS_BAR,
               note=f"last 100 / first 100 check-ins: {last / first:.2f}×"),
    ]
    print(f"[perf] bench_meetings check-ins recorded {CHECKINS - len(refused)}/{CHECKINS}, present {present}, "
          f"half-day signatures {signed}, {len(until_shown)} updates on each of the {CHECKIN_SHEETS} sheets")
    assert not refused, f"{len(refused)} check-ins refused, first: {refused[:5]}"
    assert present == signed == CHECKINS
    assert not any(failures), [f for f in failures if f]


# --- List pages: SQL queries at 1× and 10× the data ----------------------------------------------------------
# Pinned query counts, measured (SQLite) at both sizes; a page whose count grows with the data fails at once.
# The evidence (history, drawn signatures, representing organisation) added one or two; then the sessions "à
# clôturer" on the bodies list (+1), the trainer's drawn signature on the training sheet (+1), and on the PDFs
# the fingerprint in every footer, which reads the records again in their canonical order (meetings/evidence.py:
# +5), plus the organiser and each half-day's hours on a training's (+1).
LIST_QUERY_BARS = {
    "bodies list /instances/": 8,
    "a body's sessions /instances/<slug>/": 12,
    "a session's page": 21,
    "committee sheet": 13,
    "training sheet": 18,
    "sheet CSV": 11,
    "sheet XLSX": 11,
    "sheet PDF": 16,
    "training sheet PDF": 19,
    "body calendar feed .ics": 5,
}


def _meetings_world(secretary, scale: int, tag: str) -> dict:
    """``scale`` × (3 small bodies, a committee of 4 members with 4 sessions, 2 walk-ins, agenda items,
    decisions and actions, a training of 4 trainees who sign both half-days), all run by ``secretary``."""
    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from meetings import services
    from meetings.models import Action, AgendaItem, Body, Decision
    from tests.builders import make_meeting, seat_partner

    now = timezone.now().replace(microsecond=0)

    def body(name, members, **fields):
        created = Body.objects.create(name=f"{name} {tag}", youth_seats=2, **fields)
        for n in range(members):
            seat_partner(created, {"name": f"Partenaire {tag} {name[:12]} {n:03d}",
                                   "slug": f"p-{created.pk}-{n}", "email": f"p{n}@exemple.invalid"},
                         {"name": f"Personne {n:03d}", "email": f"c{n}-{created.pk}@exemple.invalid"})
        assign_perm("meetings.manage_body", secretary, created)
        return created

    for n in range(3 * scale):
        small = body(f"Instance {n:03d}", 1, kind=Body.Kind.COMMISSION_RP)
        make_meeting(small, start=now + timedelta(days=n + 1))
    committee = body("Comité de suivi", 4 * scale, kind=Body.Kind.COMITE_SUIVI, is_decision_body=True)
    earlier = make_meeting(committee, start=now - timedelta(days=60), convene=True)
    for n in range(2 * scale):
        Action.objects.create(body=committee, meeting=earlier, title=f"Action ouverte {n}")
    for n in range(4 * scale):
        make_meeting(committee, start=now + timedelta(days=7 * (n - 2 * scale) + 3))
    meeting = make_meeting(committee, start=now - timedelta(hours=1), convene=True)
    statuses = ["present", "remote", "excused", "absent", "represented"]
    representative = committee.members.first().organisation
    for n, invitation in enumerate(meeting.invitations.all()):
        services.record_attendance(invitation, statuses[n % len(statuses)],
                                   **({"represented_by_organisation": representative}
                                      if n % len(statuses) == 4 else {}))
    for n in range(2 * scale):
        services.add_walk_in(meeting, f"Visiteur {n:03d}", organisation=None)
        AgendaItem.objects.create(meeting=meeting, title=f"Point {n}", sort_order=100 + n)
        Decision.objects.create(meeting=meeting, text=f"Décision {n}")
        Action.objects.create(body=committee, meeting=meeting, title=f"Action {n}",
                              owner_organisation=committee.members.first().organisation)
    services.save_minutes(meeting, "<p>Compte rendu</p>")
    services.save_minutes(meeting, "<p>Compte rendu corrigé</p>")
    training_body = body("Formation", 4 * scale, kind=Body.Kind.FORMATION)
    training = make_meeting(training_body, start=now.replace(hour=8) - timedelta(days=1), hours=9, convene=True)
    half_days = services.ensure_half_days(training)
    for invitation in training.invitations.filter(is_youth_seat=False):
        for half_day in half_days:
            services.sign_half_day(half_day, invitation)
    return {
        "bodies list /instances/": ("/instances/", None),
        "a body's sessions /instances/<slug>/": (f"/instances/{committee.slug}/", None),
        "a session's page": (f"/instances/seances/{meeting.pk}/", None),
        "committee sheet": (f"/instances/seances/{meeting.pk}/feuille/", 'class="sheet-row"'),
        "training sheet": (f"/instances/seances/{training.pk}/feuille/", 'class="sheet-row"'),
        "sheet CSV": (f"/instances/seances/{meeting.pk}/emargement.csv", "Visiteur"),
        "sheet XLSX": (f"/instances/seances/{meeting.pk}/emargement.xlsx", None),
        "sheet PDF": (f"/instances/seances/{meeting.pk}/emargement.pdf", None),
        "training sheet PDF": (f"/instances/seances/{training.pk}/emargement.pdf", None),
        "body calendar feed .ics": (f"/instances/{committee.slug}/calendrier/{committee.feed_token}.ics",
                                    "BEGIN:VEVENT"),
    }


def _count(client, pages: dict) -> dict:
    """Each page's SQL queries (after one call that warms sessions, content types and templates)."""
    counts = {}
    for name, (url, needle) in pages.items():
        get = serve(client, url)
        get()
        counts[name], response = count_queries(get)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        counts[name, "size"] = f"{body.count(needle.encode())} × {needle}" if needle else f"{len(body)} bytes"
    return counts


@pytest.mark.django_db
@pytest.mark.counts
def test_list_pages_cost_the_same_queries_at_ten_times_the_data(client_as, secretary):
    client = client_as(secretary)
    start = time.perf_counter()
    small = _count(client, _meetings_world(secretary, 1, "a"))
    large = _count(client, _meetings_world(secretary, 10, "b"))
    print(f"\nbench_meetings: list pages as their secretary, SQL queries with the data of 1 then 10 committees' "
          f"worth (sessions, members, walk-ins, agenda, decisions, actions, signatures), SQLite "
          f"({time.perf_counter() - start:.1f} s wall)")
    failures = []
    for name in LIST_QUERY_BARS:
        failures.append(report(f"bench_meetings {name} at 1×", queries=small[name], query_bar=LIST_QUERY_BARS[name],
                               note=small[name, "size"]))
        failures.append(report(f"bench_meetings {name} at 10×", queries=large[name],
                               query_bar=min(small[name], LIST_QUERY_BARS[name]),
                               note=f"{large[name, 'size']} (query bar: the count at 1×)"))
    assert not any(failures), [f for f in failures if f]
    # The second world really is bigger where each page lists things.
    for name in ("committee sheet", "training sheet", "sheet CSV", "body calendar feed .ics"):
        assert int(large[name, "size"].split()[0]) >= 5 * int(small[name, "size"].split()[0]), name
