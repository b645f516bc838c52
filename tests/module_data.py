"""Records built once per test module (Django's TestCase.setUpTestData, for pytest), and which tests reach
the database: a module's records live in ``module_transaction`` (tests/conftest.py), rolled back after its
last test; each test's own transaction is a savepoint inside it. (tests/search/conftest.py's ``shared_index``
does the same once per search backend, each in a savepoint of its own.)"""

import copy


def commits(item) -> bool:
    """A test whose data must be committed: a transactional test (a live server, a second connection)."""
    names = getattr(item, "fixturenames", ())
    return ("transactional_db" in names or "live_server" in names
            or any(marker.kwargs.get("transaction") for marker in item.iter_markers("django_db")))


class BuiltOnce:
    """Records built once per test module inside its ``module_transaction``, by a module-scoped fixture
    (``request``): ``get()`` gives each test a deep copy (what a test changes on the objects stays its own).
    Built again for each test where the module commits, or where one of its tests that reaches the database
    does not ask for them (it would find records it did not ask for)."""

    def __init__(self, request, module_transaction, build, *args):
        self.build, self.args = build, args
        self.records = None
        tests = [item for item in request.session.items if item.module is request.module]
        if module_transaction is not None and all(request.fixturename in item.fixturenames for item in tests
                                                  if reaches_database(item)):
            with module_transaction.unblock():
                self.records = build(*args)

    def get(self):
        return self.build(*self.args) if self.records is None else copy.deepcopy(self.records)


def reaches_database(item) -> bool:
    """A test that uses the database (its records, or a live server)."""
    names = getattr(item, "fixturenames", ())
    return bool({"db", "transactional_db", "live_server"} & set(names)) or item.get_closest_marker("django_db")
