"""Concurrent users against `rag serve`: latency per answer (p50/p95) and errors, at each load.

Starts `rag serve` on a free port (or uses --url), then for each user count runs that many
threads at once, each with its own gradio_client session asking --questions gold questions one
after another through the `/ask` endpoint, and reports p50/p95 of the answer latency as each
user sees it (queueing included) and the number of failed calls.

    .venv/bin/python evals/load.py --users 1 20 50
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 20, 50])
    parser.add_argument("--questions", type=int, default=5, help="questions per user")
    parser.add_argument("--url", help="a running `rag serve` (default: start one)")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in (ROOT / "evals" / "gold.jsonl").read_text().splitlines()]
    server = None if args.url else start_server()
    url = args.url or server[1]
    try:
        print("| users | answers | errors | p50 | p95 |\n|---|---|---|---|---|")
        for users in args.users:
            seconds, errors = load(url, users, args.questions, questions)
            p50, p95 = statistics.median(seconds), sorted(seconds)[max(0, round(0.95 * len(seconds)) - 1)]
            print(f"| {users} | {len(seconds)} | {errors} | {p50:.2f} s | {p95:.2f} s |", flush=True)
    finally:
        if server:
            server[0].terminate()
            server[0].wait(timeout=30)


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rag = str(Path(sys.executable).with_name("rag"))
    proc = subprocess.Popen([rag, "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("error: rag serve exited before it listened")
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("error: rag serve did not listen within 300 s")


def load(url: str, users: int, per_user: int, questions: list[str]) -> tuple[list[float], int]:
    """Every user's answer latencies (seconds) and the number of failed calls."""
    from gradio_client import Client

    seconds: list[float] = []
    errors = 0
    lock = threading.Lock()
    start = threading.Barrier(users)

    def user(n: int) -> None:
        nonlocal errors
        client = Client(url, verbose=False)
        start.wait()
        for i in range(per_user):
            question = questions[(n * per_user + i) % len(questions)]
            began = time.perf_counter()
            try:
                client.predict(question, api_name="/ask")
                with lock:
                    seconds.append(time.perf_counter() - began)
            except Exception:
                with lock:
                    errors += 1

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return seconds, errors


if __name__ == "__main__":
    main()
