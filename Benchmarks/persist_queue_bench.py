#!/usr/bin/env python3
"""The peer for kiosk-bench's "enqueue + lease + acknowledge" row: persist-queue's SQLiteAckQueue.

Used as its documentation shows: `put` each item, then `get` and `ack` each item. Each of those
calls is its own SQLite transaction (persist-queue commits after every statement). The queue is
made as durable as the kiosk's outbox: persist-queue itself sets `PRAGMA journal_mode=WAL` on
every connection it opens; this script adds `PRAGMA synchronous=FULL` on those connections and
reads both settings back. Nothing else is changed.

Prints one JSON line on stdout:
  {"library": "persist-queue", "version": "1.1.0", "items": N, "seconds": ..., "items_per_s": ..., ...}
and exits non-zero (with a message on stderr) when it cannot run.

  python3 -m pip install 'persist-queue==1.1.0'
  python3 Benchmarks/persist_queue_bench.py --items 2000 --payload-bytes 200 --dir .build-bench-data
"""

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import time

try:
    import persistqueue
    from importlib.metadata import version as package_version
except ImportError as error:  # pragma: no cover - reported to kiosk-bench
    print(f"persist_queue_bench: persist-queue is not installed ({error}); "
          "run: python3 -m pip install 'persist-queue==1.1.0'", file=sys.stderr)
    sys.exit(3)


def payload(index: int, size: int) -> str:
    """A JSON object of exactly `size` bytes, like kiosk-bench's (a device event with padding)."""
    head = '{"code":"paper-low","device":"printer-1","seq":%d,"detail":"' % index
    tail = '"}'
    pad = size - len(head) - len(tail)
    if pad < 0:
        raise ValueError(f"--payload-bytes {size} is too small")
    return head + "x" * pad + tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--payload-bytes", type=int, default=200)
    parser.add_argument("--dir", required=True,
                        help="folder on the disk to measure; the queue goes in DIR/persist-queue, removed afterwards")
    parser.add_argument("--multithreading", action="store_true",
                        help="SQLiteAckQueue(multithreading=True): separate connections for put and get")
    args = parser.parse_args()
    if args.items < 1:
        parser.error("--items must be at least 1")

    path = os.path.join(args.dir, "persist-queue")
    shutil.rmtree(path, ignore_errors=True)
    queue = persistqueue.SQLiteAckQueue(path, auto_commit=True, multithreading=args.multithreading)

    # persist-queue runs `PRAGMA journal_mode=WAL;` in _new_db_connection and leaves `synchronous`
    # at SQLite's default. Set FULL on each of its connections (one, or two with multithreading).
    connections = {id(c): c for c in (queue._putter, queue._getter)}.values()
    settings = []
    for connection in connections:
        before = connection.execute("PRAGMA synchronous").fetchone()[0]
        connection.execute("PRAGMA synchronous=FULL")
        settings.append({
            "synchronous_before": before,
            "journal_mode": connection.execute("PRAGMA journal_mode").fetchone()[0],
            "synchronous": connection.execute("PRAGMA synchronous").fetchone()[0],
            "wal_autocheckpoint": connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0],
        })
    if any(s["journal_mode"].lower() != "wal" or s["synchronous"] != 2 for s in settings):
        print(f"persist_queue_bench: durability settings did not hold: {settings}", file=sys.stderr)
        return 4

    items = [payload(index, args.payload_bytes) for index in range(args.items)]

    started = time.perf_counter()
    for item in items:
        queue.put(item)
    queued = time.perf_counter()
    for _ in range(args.items):
        item = queue.get(timeout=10)
        queue.ack(item)
    finished = time.perf_counter()

    acked = queue.acked_count()
    left = queue.qsize()
    queue.close()
    shutil.rmtree(path, ignore_errors=True)
    if acked != args.items or left != 0:
        print(f"persist_queue_bench: {acked} of {args.items} items acknowledged, {left} left", file=sys.stderr)
        return 5

    seconds = finished - started
    print(json.dumps({
        "library": "persist-queue",
        "version": package_version("persist-queue"),
        "queue": "SQLiteAckQueue(path, auto_commit=True, multithreading=%s)" % args.multithreading,
        "items": args.items,
        "payload_bytes": args.payload_bytes,
        "seconds": seconds,
        "items_per_s": args.items / seconds,
        "put_seconds": queued - started,
        "get_ack_seconds": finished - queued,
        "connections": settings,
        "sqlite": sqlite3.sqlite_version,
        "python": platform.python_version(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
