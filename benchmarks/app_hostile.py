"""The App under attack: does it still answer GitHub? (Prints figures; not a timed test.)

Starts a real `ghcommunity serve` (token mode, against an in-process sandbox whose repository's
`.github/ghcommunity.yml` is a YAML "billion laughs" bomb), then, over loopback only:

1. measures a signed delivery (a `ping`, acknowledged with 202) and `GET /healthz` at rest;
2. opens `--slow` slow connections (default 1,000) that send a request's first bytes and then
   one header byte every two seconds, reconnecting whenever the server closes them;
3. queues `--bomb-events` signed `issues.opened` deliveries for the bombed repository, so a
   worker parses the bomb while the slow clients press on;
4. measures the signed delivery and `/healthz` again, under both.

It prints the latencies (target: under 1 s each), how the server treated the slow clients
(closed for being slow, or to make room), how often the bomb was parsed (once: configs are
cached by blob SHA), the server's peak memory, and how many log lines it wrote.

    .venv/bin/python benchmarks/app_hostile.py
    .venv/bin/python benchmarks/app_hostile.py --slow 2000 --seconds 30 --bomb-levels 6

Every loop is bounded (`--seconds`). `--bomb-levels` is the bomb's depth: 10^levels leaves;
6 takes a few seconds and ~300 MB to parse without the parser's own alias limits, 7 ten times
that (so it is capped at 7).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from ghcommunity.app.signature import sign
from ghcommunity_sandbox.server import Sandbox

SECRET = "benchmark-hostile-secret"
ADMIN = "benchmark-admin-token"
REPO = "uk-x-gov-software-community/community-space"


def bomb(levels: int) -> str:
    lines = [
        "community:\n  name: Bombed\n  org: uk-x-gov-software-community\n",
        "  repo: community-space\n  bot_login: ghcommunity[bot]\n",
        'l0: &l0 "lol"\n',
    ]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n")
    return "".join(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SlowClients:
    """`count` connections that never finish their request, kept up until `stop`."""

    def __init__(self, port: int, count: int) -> None:
        self.port = port
        self.count = count
        self.open = 0
        self.peak = 0
        self.closed_by_server = 0
        self.refused = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _one(self) -> None:
        while not self._stop.is_set():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                self.refused += 1
                await asyncio.sleep(0.5)
                continue
            self.open += 1
            self.peak = max(self.peak, self.open)
            try:
                writer.write(b"POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                while not self._stop.is_set():
                    await writer.drain()
                    try:
                        data = await asyncio.wait_for(reader.read(1024), timeout=2.0)
                    except TimeoutError:
                        writer.write(b"a")
                        continue
                    if not data:  # the server closed it
                        self.closed_by_server += 1
                        break
            except OSError:
                self.closed_by_server += 1
            finally:
                self.open -= 1
                writer.close()

    async def _main(self) -> None:
        tasks = []
        for n in range(self.count):
            tasks.append(asyncio.create_task(self._one()))
            if n % 100 == 99:
                await asyncio.sleep(0.05)
        while not self._stop.is_set():
            await asyncio.sleep(0.1)
        await asyncio.wait(tasks, timeout=5)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(15)


def signed(url: str, event: str, body: bytes, delivery: str) -> httpx.Response | None:
    """The answer, or None when there was none within 30 s (printed)."""
    try:
        return _post(url, event, body, delivery)
    except httpx.HTTPError as exc:
        print(f"  ! signed delivery {delivery}: no answer ({type(exc).__name__})")
        return None


def _post(url: str, event: str, body: bytes, delivery: str) -> httpx.Response:
    return httpx.post(
        url + "/webhook",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery,
            "X-Hub-Signature-256": sign(SECRET, body),
        },
        timeout=30,
    )


def measure(url: str, label: str, samples: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"delivery": [], "healthz": []}
    ping = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
    for n in range(samples):
        started = time.perf_counter()
        answer = signed(url, "ping", ping, f"{label}-ping-{n}")
        out["delivery"].append(time.perf_counter() - started)
        if answer is not None and answer.status_code != 202:
            print(f"  ! signed delivery answered {answer.status_code}: {answer.text[:100]}")
        started = time.perf_counter()
        try:
            health = httpx.get(url + "/healthz", timeout=30)
            if health.status_code != 200:
                print(f"  ! /healthz answered {health.status_code}")
        except httpx.HTTPError as exc:
            print(f"  ! /healthz: no answer ({type(exc).__name__})")
        out["healthz"].append(time.perf_counter() - started)
        time.sleep(0.1)
    return out


def show(label: str, figures: dict[str, list[float]]) -> None:
    for what, values in figures.items():
        ordered = sorted(values)
        p95 = ordered[min(math.ceil(len(ordered) * 0.95), len(ordered)) - 1]
        print(
            f"  {label:<34} {what:<9} p50 {statistics.median(values) * 1000:7.1f} ms   "
            f"p95 {p95 * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms"
        )


def limit_open_files(soft: int) -> None:
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, hard), hard))


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=1000, help="slow connections (max 5000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the attack lasts")
    parser.add_argument("--samples", type=int, default=20, help="measurements per phase")
    parser.add_argument("--bomb-levels", type=int, default=6, help="10^levels leaves (max 7)")
    parser.add_argument("--bomb-events", type=int, default=5)
    parser.add_argument(
        "--open-files",
        type=int,
        default=1024,
        help="the server's soft limit on open files at start (1024 is Linux's usual default)",
    )
    args = parser.parse_args()
    slow = min(max(args.slow, 0), 5000)
    levels = min(max(args.bomb_levels, 1), 7)
    seconds = min(max(args.seconds, 5.0), 300.0)

    sandbox = Sandbox.start(seed="minimal")
    sandbox.state.put_file(REPO, ".github/ghcommunity.yml", bomb(levels))
    work = Path(tempfile.mkdtemp(prefix="ghcommunity-hostile-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = work / "server.log"
    env = dict(
        os.environ,
        GHCOMMUNITY_WEBHOOK_SECRET=SECRET,
        GHCOMMUNITY_ADMIN_TOKEN=ADMIN,
        GITHUB_TOKEN="benchmark-token",
    )
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ghcommunity",
                "serve",
                "--port",
                str(port),
                "--queue",
                f"sqlite:///{work / 'queue.db'}",
                "--store",
                f"sqlite:///{work / 'store.sqlite'}",
                "--api-url",
                sandbox.url,
                "--workers",
                "2",
            ],
            env=env,
            stdout=log,
            stderr=log,
            preexec_fn=lambda: limit_open_files(args.open_files),
        )
    attackers = SlowClients(port, slow)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start; see {log_path}")
            time.sleep(0.05)

        print(
            f"ghcommunity serve on {url} (started with {args.open_files} open files allowed); "
            f"bomb: 10^{levels} leaves; {slow} slow connections"
        )
        at_rest = measure(url, "rest", args.samples)

        attackers.start()
        while attackers.peak < slow * 0.95 and time.monotonic() - deadline < 60:
            time.sleep(0.1)
        issue = {
            "action": "opened",
            "issue": {"number": 1, "title": "t", "body": "", "user": {"login": "ada"}},
            "repository": {"full_name": REPO},
        }
        body = json.dumps(issue).encode()
        for n in range(args.bomb_events):
            signed(url, "issues", body, f"bomb-{n}")
        started = time.monotonic()
        under_attack: dict[str, list[float]] = {"delivery": [], "healthz": []}
        while time.monotonic() - started < seconds:
            figures = measure(url, f"attack-{len(under_attack['delivery'])}", 1)
            for key, values in figures.items():
                under_attack[key] += values
            time.sleep(max(seconds / max(args.samples, 1) - 0.2, 0.0))
        open_now, peak = attackers.open, attackers.peak
        attackers.stop()

        auth = {"Authorization": f"Bearer {ADMIN}"}
        try:
            rows = httpx.get(url + "/admin/deliveries?limit=1000", headers=auth, timeout=30).json()[
                "deliveries"
            ]
        except httpx.HTTPError:
            rows = []
        bombed = [r for r in rows if r["id"].startswith("bomb-")]
        rss = peak_rss_mb(proc.pid)
    finally:
        attackers.stop()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
        sandbox.stop()

    lines = log_path.read_text(errors="replace").splitlines()
    parsed = sum("is invalid; ignoring events" in line for line in lines)
    print()
    show("at rest", at_rest)
    show(f"{slow} slow connections + bomb", under_attack)
    print()
    print(
        f"  slow connections: peak {peak} open, {open_now} open at the end, "
        f"{attackers.closed_by_server} closed by the server, {attackers.refused} refused"
    )
    states = {r["state"] for r in bombed}
    print(
        f"  bomb deliveries: {len(bombed)} ({', '.join(sorted(states))}); invalid-config "
        f"warnings: {parsed} (one per version of the file)"
    )
    if bombed:
        print(f"  e.g. {bombed[-1]['result'] or bombed[-1]['last_error']}")
    print(
        f"  server: peak memory {rss:.0f} MB; {len(lines)} log lines, "
        f"{sum(len(x) for x in lines) / 1024:.0f} KB ({log_path})"
        if rss is not None
        else f"  server: {len(lines)} log lines ({log_path})"
    )
    worst = max(max(under_attack["delivery"]), max(under_attack["healthz"]))
    print(f"\n  worst answer under attack: {worst * 1000:.0f} ms (target < 1000 ms)")


if __name__ == "__main__":
    main()
