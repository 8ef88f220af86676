"""HTTP benchmark: the JSON API over loopback against `raflow serve` (gunicorn) on SQLite.

One client at a time; after a warm-up, N cases of a two-user-task diagram (bench/processes/benchland):
  (a) start: POST /api/v1/cases, whose response already lists the case's first open user task;
  (b) complete: POST /api/v1/tasks/<id>/complete of that task (the case runs on to its second task).
The second task is completed too (timed as (c), to show the case end). Each request is a new TCP
connection (gunicorn's sync workers close after every response), timed from connect to the last byte.

Run: .venv/bin/python bench/http.py [--cases 200] [--warmup 20] [--workers 2] [--folder PATH]
Prints medians and p90 in milliseconds (target: both medians <= 10 ms). Ends with the lines
`start_median_ms: N.NN` and `complete_median_ms: N.NN`.
"""

from __future__ import annotations

import os
import sys

# This file is named http.py: keep its folder off the import path so `http.client` is the standard library's.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RAFLOW = ROOT / ".venv" / "bin" / "raflow"
FORM = {"decision": "approve", "note": "ok"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port: int, token: str):
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body=None) -> tuple[float, int, object]:
        data = json.dumps(body) if body is not None else None
        began = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, f"/api/v1{path}", body=data, headers=self.headers)
        response = conn.getresponse()
        raw = response.read()
        elapsed = (time.perf_counter() - began) * 1000
        conn.close()
        return elapsed, response.status, json.loads(raw) if raw else None


def one_case(client: Client) -> tuple[float, float, float]:
    t_start, status, case = client.call("POST", "/cases", {"data": {}})
    assert status == 201, (status, case)
    first = case["steps"][0]["task_id"]
    t_first, status, done = client.call("POST", f"/tasks/{first}/complete", {"data": FORM})
    assert status == 200, (status, done)
    second = done["case"]["steps"][0]["task_id"]
    t_second, status, done = client.call("POST", f"/tasks/{second}/complete", {"data": FORM})
    assert status == 200 and done["case"]["status"] == "closed", (status, done)
    return t_start, t_first, t_second


def summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[max(0, int(len(ordered) * 0.9) - 1)]
    return (f"{name:<34} median {statistics.median(samples):7.2f} ms   p90 {p90:7.2f} ms   "
            f"min {ordered[0]:6.2f}   max {ordered[-1]:7.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folder", default=str(ROOT / "bench" / "processes" / "benchland"))
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="raflow-http-bench-"))
    env = {**os.environ, "RAFLOW_DATABASE_URL": f"sqlite:///{tmp / 'raflow.db'}", "RAFLOW_INSTANCE": str(tmp),
           "RAFLOW_SECRET_KEY": "bench"}
    env.pop("RAFLOW_CLOCK", None)

    def raflow(*cli):
        done = subprocess.run([str(RAFLOW), *cli], env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            sys.exit(f"raflow {' '.join(cli)}: {done.stderr}")
        return done.stdout

    raflow("init-db")
    raflow("deploy", args.folder)
    jurisdiction = Path(args.folder).name
    raflow("user", "add", "bench.clerk", "--role", "clerk", "--jurisdiction", jurisdiction)
    token = raflow("user", "token", "bench.clerk").strip()
    port = free_port()
    server = subprocess.Popen([str(RAFLOW), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers",
                               str(args.workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        client = Client(port, token)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.call("GET", "/openapi.json")
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("raflow serve did not start")
                time.sleep(0.1)
        for _ in range(args.warmup):
            one_case(client)
        starts, firsts, seconds = [], [], []
        for _ in range(args.cases):
            a, b, c = one_case(client)
            starts.append(a)
            firsts.append(b)
            seconds.append(c)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

    print(f"raflow serve (gunicorn, {args.workers} workers), SQLite, {jurisdiction}; one client; "
          f"{args.cases} cases after {args.warmup} warm-up")
    print(summary("(a) start case -> first user task", starts))
    print(summary("(b) complete a user task", firsts))
    print(summary("(c) complete the last task (ends)", seconds))
    print(f"start_median_ms: {statistics.median(starts):.2f}")
    print(f"complete_median_ms: {statistics.median(firsts):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
