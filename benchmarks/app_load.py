"""Load benchmark for the App's webhook endpoint (prints figures; not a timed test).

Sends N signed `repository_dispatch` deliveries (GitHub's own example payload) over loopback to a real
`ghcommunity serve` process at a steady rate, kills the server with SIGKILL halfway through,
restarts it on the same queue database, and then checks that every delivery was processed —
counted by a handler (benchmarks/app_counter.py) that records each run of each delivery.

Like GitHub, the sender redelivers (same delivery id) anything that was not acknowledged with a
202, e.g. requests cut off by the kill. Config comes from a sandbox (the repo's
`.github/ghcommunity.yml`), read through the GitHub API as in production.

    .venv/bin/python benchmarks/app_load.py                 # 10,000 at 250/s, kill at half
    .venv/bin/python benchmarks/app_load.py -n 2000 --no-kill
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from ghcommunity.app.signature import sign
from ghcommunity_sandbox.server import Sandbox

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "fixtures" / "webhooks" / "repository_dispatch.on-demand-test.json"
SECRET = "benchmark-webhook-secret"
ADMIN = "benchmark-admin-token"
REPO = "uk-x-gov-software-community/community-space"
CONFIG = """community:
  name: Benchmark community
  org: uk-x-gov-software-community
  repo: community-space
  bot_login: ghcommunity[bot]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, work: Path, api_url: str, port: int, workers: int) -> None:
        self.work = work
        self.api_url = api_url
        self.port = port
        self.workers = workers
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.cpu_before_kill = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = dict(
            os.environ,
            GHCOMMUNITY_WEBHOOK_SECRET=SECRET,
            GHCOMMUNITY_ADMIN_TOKEN=ADMIN,
            GHCOMMUNITY_BENCH_COUNTS=str(self.work / "counts.db"),
            GITHUB_TOKEN="benchmark-token",
            PYTHONPATH=str(ROOT / "benchmarks"),
        )
        self.starts += 1
        log = open(self.work / f"server-{self.starts}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ghcommunity",
                "serve",
                "--port",
                str(self.port),
                "--queue",
                f"sqlite:///{self.work / 'queue.db'}",
                "--api-url",
                self.api_url,
                "--workers",
                str(self.workers),
                "--handlers",
                "app_counter",
                "--lease-seconds",
                "3",
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited; see {log.name}")
            time.sleep(0.05)
        raise SystemExit("the server did not become ready")

    def cpu_seconds(self) -> float:
        """User + system CPU time the current server process has used."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        assert self.proc is not None
        self.cpu_before_kill += self.cpu_seconds()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def bodies(n: int) -> list[tuple[str, bytes, str]]:
    example = json.loads(EXAMPLE.read_text())
    example["repository"]["full_name"] = REPO
    example["repository"]["name"] = "community-space"
    example["repository"]["owner"]["login"] = "uk-x-gov-software-community"
    out = []
    for i in range(n):
        example["action"] = "ghcommunity-benchmark"
        example["client_payload"] = {"n": i}
        body = json.dumps(example).encode()
        out.append((f"bench-{i:06d}", body, sign(SECRET, body)))
    return out


def http_request(port: int, delivery: str, body: bytes, signature: str) -> bytes:
    """One complete HTTP/1.1 request, built before the clock starts."""
    head = (
        f"POST /webhook HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "User-Agent: GitHub-Hookshot/benchmark\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: repository_dispatch\r\nX-GitHub-Delivery: {delivery}\r\n"
        f"X-Hub-Signature-256: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def read_status(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def send_all(
    server: Server,
    deliveries: list[tuple[str, bytes, str]],
    rate: float,
    kill_at: int | None,
    connections: int = 64,
) -> dict[str, object]:
    """Post every delivery at `rate` per second over keep-alive connections; redeliver what
    was not acknowledged. Latency runs from when a delivery was due to its 202, so time spent
    waiting for a free connection counts too.

    A lean sender (prepared bytes over asyncio streams) on purpose: it shares the machine's
    CPUs with the server, and an HTTP client library costs more CPU than the server does."""
    latencies: list[float] = []
    failed_attempts = 0
    requests = [http_request(server.port, *d) for d in deliveries]
    acked: set[int] = set()
    started = time.perf_counter()
    pending = list(range(len(deliveries)))
    rounds = 0
    while pending:
        rounds += 1
        work: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()

        async def connection(work: asyncio.Queue[tuple[int, float] | None]) -> None:
            nonlocal failed_attempts
            reader: asyncio.StreamReader | None = None
            writer: asyncio.StreamWriter | None = None
            while True:
                item = await work.get()
                if item is None:
                    break
                i, due = item
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
                    assert reader is not None
                    writer.write(requests[i])
                    status = await read_status(reader)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    failed_attempts += 1
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    continue
                if status == 202:
                    latencies.append(time.perf_counter() - due)
                    acked.add(i)
                else:
                    failed_attempts += 1
            if writer is not None:
                writer.close()

        tasks = [asyncio.create_task(connection(work)) for _ in range(connections)]
        begin = time.perf_counter()
        for k, i in enumerate(pending):
            due = begin + k / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if kill_at is not None and rounds == 1 and k == kill_at:
                server.kill()
                print(f"  killed the server (SIGKILL) after {k} sends; restarting", flush=True)
                await asyncio.to_thread(server.start)
                begin += time.perf_counter() - due  # carry on at the same pace, no burst
                due = time.perf_counter()
            work.put_nowait((i, due))
        for _ in tasks:
            work.put_nowait(None)
        await asyncio.gather(*tasks)
        pending = [i for i in pending if i not in acked]  # GitHub redelivers these
        if pending:
            print(f"  redelivering {len(pending)} unacknowledged", flush=True)
    return {
        "latencies": latencies,
        "failed_attempts": failed_attempts,
        "seconds": time.perf_counter() - started,
    }


def wait_processed(server: Server, timeout: float = 600) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        counts = httpx.get(
            server.url + "/admin/deliveries?limit=1",
            headers={"Authorization": f"Bearer {ADMIN}"},
            timeout=10,
        ).json()["counts"]
        if counts["queued"] == 0 and counts["running"] == 0:
            return dict(counts)
        if time.monotonic() > deadline:
            raise SystemExit(f"not processed in time: {counts}")
        time.sleep(0.2)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--deliveries", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=250.0, help="deliveries per second")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-kill", action="store_true", help="do not kill the server midway")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ghcommunity-app-load-"))
    sandbox = Sandbox.start(seed="minimal")
    sandbox.state.put_file(REPO, ".github/ghcommunity.yml", CONFIG)
    server = Server(work, sandbox.url, free_port(), args.workers)
    deliveries = bodies(args.deliveries)
    print(
        f"app load: {args.deliveries} signed deliveries ({len(deliveries[0][1])} bytes each) "
        f"at {args.rate:.0f}/s over loopback, {args.workers} workers, {os.cpu_count()} CPUs"
    )
    try:
        server.start()
        kill_at = None if args.no_kill else args.deliveries // 2
        import resource

        before = resource.getrusage(resource.RUSAGE_SELF)
        sent = asyncio.run(send_all(server, deliveries, args.rate, kill_at))
        after = resource.getrusage(resource.RUSAGE_SELF)
        sender_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        acked_at = time.perf_counter()
        counts = wait_processed(server)
        drained = time.perf_counter() - acked_at
        cpu = server.cpu_before_kill + server.cpu_seconds()
        load = os.getloadavg()
    finally:
        server.stop()
        sandbox.stop()
    latencies = sent["latencies"]
    assert isinstance(latencies, list)
    conn = sqlite3.connect(work / "counts.db")
    runs = dict(conn.execute("SELECT delivery, runs FROM runs").fetchall())
    conn.close()
    ids = {d[0] for d in deliveries}
    missing = ids - set(runs)
    extra = set(runs) - ids
    twice = {d: n for d, n in runs.items() if n > 1}
    ms = [x * 1000 for x in latencies]
    seconds = float(sent["seconds"])  # type: ignore[arg-type]
    print(
        f"  acknowledged (202): {len(latencies)} in {seconds:.1f}s "
        f"= {len(latencies) / seconds:.0f}/s; failed attempts (cut off by the kill): "
        f"{sent['failed_attempts']}"
    )
    print(
        f"  ack latency: p50 {percentile(ms, 0.50):.1f} ms, p90 {percentile(ms, 0.90):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms, mean {statistics.mean(ms):.1f} ms"
    )
    print(f"  queue: {counts}; drained {drained:.1f}s after the last acknowledgement")
    print(
        f"  processed: {len(runs)} distinct deliveries of {len(ids)}; missing {len(missing)}; "
        f"unknown {len(extra)}; handler ran more than once for {len(twice)} "
        f"(jobs in flight when the server was killed)"
    )
    print(
        f"  server CPU: {cpu:.1f}s = {cpu / len(ids) * 1000:.2f} ms per delivery (acknowledge "
        f"+ process); load average at the end {load[0]:.1f} on {os.cpu_count()} CPUs "
        f"(other work on this machine included)"
    )
    print(f"  sender CPU (this process): {sender_cpu:.1f}s")
    print(f"  server starts: {server.starts}; logs and databases in {work}")
    ok = not missing and not extra and counts["done"] == len(ids) and counts["parked"] == 0
    print(
        "  RESULT: every delivery processed"
        + (
            " exactly once"
            if not twice
            else f"; {len(twice)} re-run after the kill (at-least-once; the executor makes reruns safe)"
        )
        if ok
        else "  RESULT: FAILED"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
