/* What one durable SQLite commit costs on this disk, from C, next to a raw 4 KiB pwrite + fdatasync.
 *
 * The outbox's single-item enqueue goal (issue 6) is a ratio to the raw rate. This program shows
 * the ceiling for any SQLite queue in WAL mode with synchronous=FULL, without Swift or GRDB:
 * prepared statements reused, one INSERT per transaction, for four tables:
 *   outbox   the outbox's own table (text primary key, index on state, the two partial indexes)
 *   clustered  the same as a WITHOUT ROWID table (one b-tree fewer)
 *   lean     an integer rowid and nothing else: one b-tree per commit, the least SQLite can write
 *   lean-x   lean with locking_mode=EXCLUSIVE (no -shm locks; other processes cannot read)
 * Rounds alternate the variants and the raw probe, so drift in the disk weighs on all alike.
 *
 *   cc -O2 -D_GNU_SOURCE Benchmarks/sqlite-floor/commit_floor.c -lsqlite3 -o /tmp/commit_floor
 *   /tmp/commit_floor [FOLDER] [COMMITS] [ROUNDS]     (FOLDER on the disk to measure; default .)
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void run_sql(sqlite3 *db, const char *sql) {
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, error);
        exit(1);
    }
}

#define COLUMNS "type TEXT NOT NULL, occurred_at INTEGER NOT NULL, payload BLOB NOT NULL, payload_key_id TEXT, " \
    "state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, " \
    "last_error TEXT, lease_until INTEGER, created_at INTEGER NOT NULL, delivered_at INTEGER, outcome TEXT"
#define PARTIAL "CREATE INDEX d ON outbox_item(delivered_at) WHERE state = 'delivered';" \
    "CREATE INDEX r ON outbox_item(next_attempt_at) WHERE state = 'retry';"

struct variant { const char *name; const char *schema; int exclusive; };

static const struct variant variants[] = {
    {"outbox", "CREATE TABLE outbox_item (id TEXT NOT NULL PRIMARY KEY, " COLUMNS ") STRICT;"
               "CREATE INDEX s ON outbox_item(state, id);" PARTIAL, 0},
    {"clustered", "CREATE TABLE outbox_item (id TEXT NOT NULL PRIMARY KEY, " COLUMNS ") STRICT, WITHOUT ROWID;"
                  "CREATE INDEX s ON outbox_item(state, id);" PARTIAL, 0},
    {"lean", "CREATE TABLE outbox_item (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, " COLUMNS ") STRICT;", 0},
    {"lean-x", "CREATE TABLE outbox_item (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, " COLUMNS ") STRICT;", 1},
};

/* Commits per second for one variant on a new database in `folder`. */
static double commits(const char *folder, const struct variant *v, int count) {
    char path[4096], extra[4200];
    snprintf(path, sizeof path, "%s/commit-floor-%d.sqlite", folder, (int)getpid());
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) { fprintf(stderr, "cannot open %s\n", path); exit(1); }
    run_sql(db, "PRAGMA journal_mode = WAL");
    run_sql(db, "PRAGMA synchronous = FULL");
    if (v->exclusive) run_sql(db, "PRAGMA locking_mode = EXCLUSIVE");
    run_sql(db, v->schema);
    sqlite3_stmt *begin, *commit, *insert;
    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL);
    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO outbox_item (id, type, occurred_at, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                       -1, &insert, NULL);
    char payload[200];
    memset(payload, '7', sizeof payload);
    double started = now();
    for (int i = 0; i < count; i++) {
        char id[40];
        snprintf(id, sizeof id, "0193a1b2-c3d4-7e5f-8a9b-%012d", i);
        sqlite3_step(begin); sqlite3_reset(begin);
        sqlite3_bind_text(insert, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 2, "device-event", -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 3, 1764201600000LL + i);
        sqlite3_bind_blob(insert, 4, payload, sizeof payload, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 5, 1764201600000LL + i);
        if (sqlite3_step(insert) != SQLITE_DONE) { fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db)); exit(1); }
        sqlite3_reset(insert);
        if (sqlite3_step(commit) != SQLITE_DONE) { fprintf(stderr, "commit: %s\n", sqlite3_errmsg(db)); exit(1); }
        sqlite3_reset(commit);
    }
    double rate = count / (now() - started);
    sqlite3_finalize(begin); sqlite3_finalize(commit); sqlite3_finalize(insert);
    sqlite3_close(db);
    unlink(path);
    snprintf(extra, sizeof extra, "%s-wal", path); unlink(extra);
    snprintf(extra, sizeof extra, "%s-shm", path); unlink(extra);
    return rate;
}

/* pwrite 4 KiB + fdatasync per second, overwriting a 4 MiB file written and synced first (as
 * SQLite reuses its WAL), like kiosk-bench's reference. */
static double raw_overwrite(const char *folder, int count) {
    char path[4096];
    snprintf(path, sizeof path, "%s/commit-floor-%d.raw", folder, (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) { perror(path); exit(1); }
    char block[4096];
    memset(block, 1, sizeof block);
    for (int i = 0; i < 1024; i++) if (write(fd, block, sizeof block) != (ssize_t)sizeof block) { perror("write"); exit(1); }
    fsync(fd);
    double started = now();
    for (int i = 0; i < count; i++) {
        if (pwrite(fd, block, sizeof block, (off_t)(i % 1024) * 4096) != (ssize_t)sizeof block) { perror("pwrite"); exit(1); }
        fdatasync(fd);
    }
    double rate = count / (now() - started);
    close(fd);
    unlink(path);
    return rate;
}

int main(int argc, char **argv) {
    const char *folder = argc > 1 ? argv[1] : ".";
    int count = argc > 2 ? atoi(argv[2]) : 2000;
    int rounds = argc > 3 ? atoi(argv[3]) : 3;
    printf("SQLite %s, %d commits per measurement, folder %s\n", sqlite3_libversion(), count, folder);
    printf("round  raw/s   outbox/s (ratio)   clustered/s (ratio)   lean/s (ratio)   lean-x/s (ratio)\n");
    for (int round = 1; round <= rounds; round++) {
        double raw = raw_overwrite(folder, count);
        printf("%5d  %6.0f", round, raw);
        for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
            double rate = commits(folder, &variants[v], count);
            printf("   %6.0f (%.2f)", rate, rate / raw);
            fflush(stdout);
        }
        printf("\n");
    }
    return 0;
}
