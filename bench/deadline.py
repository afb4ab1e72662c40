"""A submission deadline on the province server: N communes, all at once, each at its own client on loopback,
against a real `cfc serve --accounts` process — sign in, save a draft, upload a 2 MB evidence file, submit.

    .venv/bin/python bench/deadline.py --clients 500                         # SQLite, a file in a temp folder
    bash -c 'source .ci/postgres.sh && .venv/bin/python bench/deadline.py --clients 500 --db "$CFC_TEST_POSTGRES_URL"'

Prints the load average before and after, the wall time, the throughput (communes and requests per second),
p50/p95/max latency of each step, and checks in the database that every commune's file was stored exactly
once: one submission in state `submitted`, one evidence file, one submit event each, and no failed request.

The accounts are made beforehand (not timed) with one shared argon2 hash of cfc's default cost, so the timed
sign-ins pay the real price of a password check.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "mat-khau-han-nop"
PERIOD = "2025-H1"
STEPS = ("login", "draft", "evidence", "submit")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(db: str, clients: int) -> None:
    """The schema, N commune accounts and their units (one province, ten districts), and one board."""
    from argon2 import PasswordHasher
    from sqlalchemy import text

    from engine.store import Store
    from engine.store.models import User, utcnow
    from engine.store.users import register_unit

    store = Store.open(db, upgrade=True)
    with store.writing() as session:
        session.execute(text("SELECT 1"))
        hashed, now = PasswordHasher().hash(PASSWORD), utcnow()
        for n in range(clients):
            code = f"{90000 + n:05d}"
            register_unit(session, code, f"Xã {n}", f"Huyện {n % 10}", "Tỉnh Thử")
            session.add(User(login=f"xa{n}", password_hash=hashed, role="commune", unit_code=code, disabled=False,
                             created_at=now, password_changed_at=now))
    store.close()


def start_server(db: str, port: int, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "CFC_SECRET_FILE": str(folder / "session.secret")}
    server = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", "--accounts", "--db", db,
                               "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"cfc serve exited: {server.stderr.read().decode()}")
            time.sleep(0.2)
    server.kill()
    raise SystemExit("cfc serve did not start in 60 s")


async def commune(client, n: int, inputs: dict, evidence: bytes, times: dict, failures: list) -> None:
    import httpx2

    async def timed(step, call):
        started = time.perf_counter()
        answer = await call
        times[step].append(time.perf_counter() - started)
        if answer.status_code >= 400:
            failures.append(f"xa{n} {step}: {answer.status_code} {answer.text[:200]}")
            raise RuntimeError
        return answer

    try:
        login = await timed("login", client.post("/api/login", json={"login": f"xa{n}", "password": PASSWORD}))
        headers = {"X-CSRF-Token": login.json()["csrf_token"]}
        code = f"{90000 + n:05d}"
        url = f"/api/submissions/{code}/{PERIOD}"
        draft = await timed("draft", client.put(url, headers=headers,
                                                json={"inputs": {**inputs, "unit_code": code}, "version": 0}))
        await timed("evidence", client.post(url + "/evidence", headers=headers, data={"criterion": "1"},
                                            files={"file": ("bien-ban.pdf", evidence, "application/pdf")}))
        await timed("submit", client.post(url + "/submit", headers=headers, json={"version": draft.json()["version"]}))
    except RuntimeError:
        pass
    except httpx2.HTTPError as error:
        failures.append(f"xa{n}: {type(error).__name__} {error}")


async def rush(base: str, clients: int, evidence_mb: float) -> tuple[float, dict, list]:
    import httpx2

    inputs = yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"))
    inputs.update(activities_held=2, period=PERIOD)
    evidence = b"%PDF-1.4\n" + os.urandom(int(evidence_mb * 1024 * 1024))
    times = {step: [] for step in STEPS}
    failures: list[str] = []
    limits = httpx2.Limits(max_connections=1)
    sessions = [httpx2.AsyncClient(base_url=base, timeout=600, limits=limits) for _ in range(clients)]
    started = time.perf_counter()
    await asyncio.gather(*(commune(s, n, inputs, evidence, times, failures) for n, s in enumerate(sessions)))
    wall = time.perf_counter() - started
    for session in sessions:
        await session.aclose()
    return wall, times, failures


def stored_once(db: str, clients: int) -> dict:
    from sqlalchemy import func, select

    from engine.store import Store
    from engine.store.models import Event, Evidence, Submission

    store = Store.open(db)
    with store.reading() as session:
        submitted = session.scalar(select(func.count()).select_from(Submission)
                                   .where(Submission.period == PERIOD, Submission.status == "submitted"))
        files = session.scalar(select(func.count()).select_from(Evidence))
        per_unit = dict(session.execute(select(Event.unit_code, func.count()).where(
            Event.action == "submission.submit").group_by(Event.unit_code)).all())
    store.close()
    return {"submitted": submitted, "evidence": files, "units_submitted": len(per_unit),
            "units_submitted_twice": sum(1 for count in per_unit.values() if count != 1),
            "exactly_once": submitted == files == len(per_unit) == clients and all(c == 1 for c in per_unit.values())}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--db", help="postgresql://... (default: an SQLite file in a temporary folder)")
    parser.add_argument("--evidence-mb", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cfc-deadline-") as temp:
        folder = Path(temp)
        db = args.db or str(folder / "deadline.sqlite3")
        kind = "PostgreSQL" if db.startswith("postgres") else "SQLite"
        prepare(db, args.clients)
        port = free_port()
        server = start_server(db, port, folder)
        try:
            load_before = os.getloadavg()
            wall, times, failures = asyncio.run(rush(f"http://127.0.0.1:{port}", args.clients, args.evidence_mb))
            load_after = os.getloadavg()
        finally:
            server.terminate()
            server.wait(timeout=30)
        check = stored_once(db, args.clients)
    requests = sum(len(v) for v in times.values())
    print(f"deadline bench: {args.clients} communes, {kind}, {args.evidence_mb:g} MB evidence each, "
          f"{os.cpu_count()} cores")
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}; "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print(f"wall {wall:.1f} s; {args.clients / wall:.1f} communes/s; {requests / wall:.1f} requests/s")
    for step in STEPS:
        values = times[step]
        print(f"  {step:9} n={len(values):4}  p50 {pct(values, .5) * 1000:7.0f} ms  p95 {pct(values, .95) * 1000:7.0f} ms"
              f"  max {max(values, default=float('nan')) * 1000:7.0f} ms")
    print(f"stored: {check}")
    for failure in failures[:10]:
        print("  failed:", failure)
    if failures or not check["exactly_once"]:
        print(f"FAILED: {len(failures)} requests failed; exactly once: {check['exactly_once']}")
        sys.exit(1)
    print("every submission stored exactly once")


if __name__ == "__main__":
    main()
