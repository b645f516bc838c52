"""relais.pagecache: a public page kept a minute is only ever one that is the same for every reader."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csrf import get_token

from relais.pagecache import kept_for_a_minute

pytestmark = pytest.mark.django_db


def rendered(rf, body, **cookies):
    """How many times the view rendered for two identical requests."""
    calls = []

    @kept_for_a_minute(state=lambda: "v1")
    def view(request):
        calls.append(request)
        body(request)
        return HttpResponse("page")

    for _ in range(2):
        request = rf.get("/page/", {"q": "logement"})
        request.user, request.COOKIES = AnonymousUser(), dict(cookies)
        assert view(request).content == b"page"
    return len(calls)


def test_a_page_the_same_for_everyone_is_rendered_once(rf):
    assert rendered(rf, lambda request: None) == 1


@pytest.mark.parametrize("body", [
    get_token,  # a CSRF token: its cookie would be another reader's
    lambda request: setattr(request, "_csp_nonce", "n0nce"),  # the policy header's nonce would differ
], ids=["csrf-token", "csp-nonce"])
def test_a_page_holding_something_of_its_request_is_rendered_each_time(rf, body):
    assert rendered(rf, body) == 2


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_reader_with_a_session_or_a_message_gets_the_page_rendered(rf, cookie):
    assert rendered(rf, lambda request: None, **{cookie: "x"}) == 2
