#!/usr/bin/env python3
"""Instructions executed by N requests to one page, counted by valgrind's callgrind: a figure the machine's load
cannot change, to compare a change with the merge base (docs/performance.md). Not run by `make test`: a few
requests take minutes under callgrind.

    .venv/bin/python tests/perf/instructions.py '/annuaire/?q=logement' [--requests 5] [--ref main] [--user pro]

Each tree (the working tree, and with --ref the commit REF checked out into a temporary git worktree) gets a
SQLite database of its own with the demo content (`migrate` + `load_demo`, kept under var/instructions/ for
the next run). A child Python process, run under `valgrind --tool=callgrind`, sets Django up, serves the page
twice untimed (imports, templates, caches), then serves it N times inside `sys.call_tracing(…)`: callgrind
collects only inside that C function (`--toggle-collect=sys_call_tracing`), so neither start-up nor warm-up
is counted. Prints the instructions per request of each tree and their ratio; the callgrind files are kept
for `callgrind_annotate`. PYTHONHASHSEED is fixed so that two runs of one tree agree closely.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "var" / "instructions"
TOGGLE = "sys_call_tracing"


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def prepare(tree: Path, key: str, fresh: bool) -> Path:
    """The tree's var dir, with a migrated SQLite database holding the demo content."""
    var = DATA / key
    if fresh and var.exists():
        shutil.rmtree(var)
    if not (var / "ready").exists():
        var.mkdir(parents=True, exist_ok=True)
        print(f"instructions: {key}: migrate + load_demo into {var} (once; about a minute)", flush=True)
        for command in (["migrate", "--noinput"], ["load_demo"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=tree, env=environment(tree, var),
                           check=True, stdout=subprocess.DEVNULL)
        (var / "ready").touch()
    return var


def environment(tree: Path, var: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL",
                                                             "RELAIS_SQLITE_PATH", "RELAIS_DEBUG"}}
    env.update({"RELAIS_VAR_DIR": str(var), "PYTHONPATH": str(tree), "DJANGO_SETTINGS_MODULE": "relais.settings",
                "PYTHONHASHSEED": "0", "RELAIS_LOG_LEVEL": "WARNING"})
    return env


def count(tree: Path, var: Path, label: str, args) -> int:
    """Instructions of ``args.requests`` requests to the page, served by ``tree``'s code."""
    out = var / f"callgrind.out.{re.sub(r'[^A-Za-z0-9]+', '-', args.page).strip('-')[:60]}"
    command = ["valgrind", "--tool=callgrind", "--collect-atstart=no", f"--toggle-collect={TOGGLE}",
               f"--callgrind-out-file={out}", sys.executable, str(Path(__file__).resolve()), "--child", args.page,
               "--requests", str(args.requests), *(["--user", args.user] if args.user else [])]
    print(f"instructions: {label}: {args.requests} requests to {args.page} under callgrind…", flush=True)
    run = subprocess.run(command, cwd=tree, env=environment(tree, var), capture_output=True, text=True)
    collected = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or not collected or "child: served" not in run.stdout:
        sys.exit(f"instructions: {label} failed (exit {run.returncode}):\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    print(run.stdout.strip().replace("child:", f"instructions: {label}:"))
    print(f"instructions: {label}: callgrind file {out} (callgrind_annotate {out} | head -40)")
    return int(collected.group(1))


def child(page: str, requests: int, user: str | None) -> None:
    """Runs inside valgrind, in the tree under test: warm up, then the counted requests in sys.call_tracing."""
    import django

    django.setup()
    from urllib.parse import urlsplit

    from django.test import Client, RequestFactory
    from django.test.client import ClientHandler

    import relais

    cookies = ""
    if user:
        from django.contrib.auth import get_user_model

        client = Client()
        client.force_login(get_user_model().objects.get(username=user),
                           backend="django.contrib.auth.backends.ModelBackend")
        cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    url = urlsplit(page)
    handler = ClientHandler(enforce_csrf_checks=False)
    environ = RequestFactory()._base_environ(PATH_INFO=url.path, QUERY_STRING=url.query, REQUEST_METHOD="GET",
                                             HTTP_COOKIE=cookies)
    statuses = []

    def serve_all(times):
        for _ in range(times):
            response = handler(dict(environ))
            statuses.append(response.status_code)
            sizes.append(len(response.content))

    sizes: list[int] = []
    serve_all(2)  # imports, templates, caches: not counted
    sys.call_tracing(serve_all, (requests,))
    if set(statuses) != {200}:
        sys.exit(f"child: {page} answered {statuses}")
    print(f"child: served {requests} × {page} ({sizes[-1]} bytes) from {Path(relais.__file__).resolve().parent}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", help="path and query, e.g. '/annuaire/?q=logement'")
    parser.add_argument("--requests", type=int, default=5, help="counted requests (default 5)")
    parser.add_argument("--ref", help="also count with this git commit (e.g. the merge base: main)")
    parser.add_argument("--user", help="a demo account to be logged in as (pro, secretaire, pilote…)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo databases")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.page, args.requests, args.user)
    if not shutil.which("valgrind"):
        sys.exit("instructions: valgrind is needed (apt-get install valgrind)")
    results = {}
    dirty = " (uncommitted changes included)" if git("status", "--porcelain", "--untracked-files=no") else ""
    results[f"working tree{dirty}"] = count(ROOT, prepare(ROOT, "worktree", args.fresh), "working tree", args)
    if args.ref:
        sha = git("rev-parse", "--verify", f"{args.ref}^{{commit}}")
        with tempfile.TemporaryDirectory(prefix="relais-ref-") as temporary:
            tree = Path(temporary) / "tree"
            git("worktree", "add", "--detach", str(tree), sha)
            try:
                if not (tree / "relais").exists():
                    (tree / "relais").symlink_to("site")  # the import name, as in every checkout
                if (ROOT / "node_modules").is_dir() and not (tree / "node_modules").exists():
                    # npm's packages (the COG the demo's territories load from, fonts), as installed here: a
                    # worktree has none, and the same lock file gives the same packages
                    (tree / "node_modules").symlink_to(ROOT / "node_modules")
                label = sha[:10] if sha.startswith(args.ref) else f"{args.ref} ({sha[:10]})"
                results[label] = count(tree, prepare(tree, sha[:12], args.fresh), label, args)
            finally:
                git("worktree", "remove", "--force", str(tree))
    print(f"\ninstructions: {args.page}, {args.requests} requests each (demo content, SQLite, warm)")
    for label, total in results.items():
        print(f"  {label:<50} {total:>16,} instructions  {total / args.requests:>14,.0f} per request")
    if len(results) == 2:
        (_, current), (label, reference) = results.items()
        print(f"  ratio working tree / {label}: {current / reference:.3f}×")


if __name__ == "__main__":
    main()
