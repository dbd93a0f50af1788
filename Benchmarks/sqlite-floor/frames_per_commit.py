#!/usr/bin/env python3
"""WAL frames (pages) one single-row commit writes, by table layout and payload size.

Every frame is a page write plus its header before the commit's fdatasync, so this is the I/O a
durable enqueue cannot avoid for a given schema. Deterministic: it reads the WAL's size after
1,000 commits with automatic checkpoints off. Same libsqlite3 as kioskd (Python's sqlite3 module).

    python3 Benchmarks/sqlite-floor/frames_per_commit.py [FOLDER]
"""
import os
import sqlite3
import sys
import tempfile

COLUMNS = ("type TEXT NOT NULL, occurred_at INTEGER NOT NULL, payload BLOB NOT NULL, payload_key_id TEXT, "
           "state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, "
           "last_error TEXT, lease_until INTEGER, created_at INTEGER NOT NULL, delivered_at INTEGER, outcome TEXT")
PARTIAL = ("CREATE INDEX d ON outbox_item(delivered_at) WHERE state = 'delivered';"
           "CREATE INDEX r ON outbox_item(next_attempt_at) WHERE state = 'retry';")
LAYOUTS = [
    ("outbox (text key + state index)",
     f"CREATE TABLE outbox_item (id TEXT NOT NULL PRIMARY KEY, {COLUMNS}) STRICT;"
     f"CREATE INDEX s ON outbox_item(state, id);{PARTIAL}"),
    ("clustered (WITHOUT ROWID + state index)",
     f"CREATE TABLE outbox_item (id TEXT NOT NULL PRIMARY KEY, {COLUMNS}) STRICT, WITHOUT ROWID;"
     f"CREATE INDEX s ON outbox_item(state, id);{PARTIAL}"),
    ("integer rowid + unique text id",
     f"CREATE TABLE outbox_item (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, {COLUMNS}) STRICT;"),
    ("integer rowid only",
     f"CREATE TABLE outbox_item (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, {COLUMNS}) STRICT;"),
]
COMMITS = 1000
PAGE = 4096
FRAME = PAGE + 24


def frames_per_commit(folder, schema, payload_bytes):
    path = os.path.join(folder, "frames.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA page_size = {PAGE}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.executescript(schema)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    payload = b"7" * payload_bytes
    for i in range(COMMITS):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO outbox_item (id, type, occurred_at, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                   (f"0193a1b2-c3d4-7e5f-8a9b-{i:012d}", "device-event", i, payload, i))
        db.execute("COMMIT")
    frames = (os.path.getsize(path + "-wal") - 32) / FRAME
    db.close()
    return frames / COMMITS


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
    sizes = (200, 1000, 3000)
    print(f"SQLite {sqlite3.sqlite_version}, {COMMITS} single-row commits, page {PAGE} bytes")
    print("| layout | " + " | ".join(f"{size} B payload" for size in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name, schema in LAYOUTS:
        cells = [f"{frames_per_commit(folder, schema, size):.2f}" for size in sizes]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
