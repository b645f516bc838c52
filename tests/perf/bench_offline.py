"""Benchmark: what the guide in the pocket costs a reader's data plan, on the demo content (`load_demo`'s
loaders: site pages, directory, guide).

Two figures, printed and asserted (sizes do not depend on the machine's load):
- first visit: the worker, the manifest and the registration script together ≤ 15 KB (uncompressed);
- "Garder hors connexion" for one territory, in French: every URL of /guide/hors-connexion.json fetched with the
  reader's territory cookie, < 1.5 MB (uncompressed; gzip figures printed beside).
Run: .venv/bin/pytest tests/perf/bench_offline.py -s
"""

import gzip
import json

import pytest
from django.contrib.staticfiles import finders

from guide.territory import COOKIE_NAME
from tests.perf.conftest import serve

pytestmark = [pytest.mark.perf, pytest.mark.django_db]

FIRST_VISIT_BUDGET = 15 * 1024
SAVE_BUDGET = 1.5 * 1024 * 1024


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _static(url: str) -> bytes:
    with open(finders.find(url.removeprefix("/static/")), "rb") as handle:
        return handle.read()


@pytest.mark.counts
def test_pocket_guide_size_budgets(client, site_pages, private_cache):
    from directory.models import Organisation, Territory
    from relais.demo import directory as demo_directory
    from relais.demo import guide as demo_guide

    quiet = lambda _message: None  # noqa: E731
    demo_directory.load(quiet)
    demo_guide.load(quiet)

    # First visit: what the pocket guide adds to any page.
    worker = _body(serve(client, "/sw.js")())
    manifest = _body(serve(client, "/manifest.webmanifest")())
    html = _body(serve(client, "/guide/")()).decode()
    script_url = html.split('<script src="', 1)[1].split('"', 1)[0]
    script = _static(script_url)
    first = len(worker) + len(manifest) + len(script)
    first_gz = sum(len(gzip.compress(part)) for part in (worker, manifest, script))
    print(f"\n[perf] bench_offline first visit: worker {len(worker):,} B + manifest {len(manifest):,} B + "
          f"script {len(script):,} B = {first / 1024:.1f} KB (gzip {first_gz / 1024:.1f} KB), "
          f"budget {FIRST_VISIT_BUDGET / 1024:.0f} KB", flush=True)

    # "Garder hors connexion" for the territoire with the most published partners.
    territory = max(Territory.objects.filter(kind=Territory.Kind.TERRITOIRE),
                    key=lambda t: Organisation.objects.filter(status="published", territories=t).count())
    client.cookies[COOKIE_NAME] = territory.code
    listing = json.loads(_body(serve(client, "/guide/hors-connexion.json")()))
    total = total_gz = 0
    for url in listing["urls"]:
        path, _sep, query = url.partition("?")
        body = _static(url) if url.startswith("/static/") else _body(
            serve(client, path, dict(part.split("=", 1) for part in query.split("&")) if query else None)())
        total += len(body)
        total_gz += len(gzip.compress(body))
    print(f"[perf] bench_offline save for {territory.name} ({territory.code}), fr: {len(listing['urls'])} URLs "
          f"({listing['pages']} pages), {total / 1024:,.0f} KB (gzip {total_gz / 1024:,.0f} KB); announced "
          f"{listing['bytes'] / 1024:,.0f} KB « {listing['label']} », budget {SAVE_BUDGET / 1024:,.0f} KB",
          flush=True)

    assert listing["pages"] > 40  # the whole demo guide, not an empty list
    assert first <= FIRST_VISIT_BUDGET
    assert total < SAVE_BUDGET
