"""Workshop sessions in SQLite: one file the trainer can delete, so a restart of ``casefile serve`` loses nothing.

A session holds the case being taught (as validated JSON), a short join code, the SHA-256 of the trainer's token
(the token itself lives only in the trainer's cookie), whether the answers are revealed, and when it expires.
Volunteers are a nickname and the hash of their own token; each prediction is one row per volunteer and
jurisdiction, replaced when the volunteer changes it. Nothing else about anyone is stored.

The database uses WAL mode and a busy timeout. One connection stays open for the life of the store and every
operation holds a lock while it uses it: the server's threads never wait on SQLite's own busy-retry sleeps, and the
WAL file is not checkpointed and deleted after every request (which is what closing the last connection does, and
what made a connection per operation cost ~3 ms). Other processes (a second server on the same file, the trainer's
sqlite3 shell) still see a consistent database. Expired sessions are purged whenever a new one is created.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read off a projector
CODE_LENGTH = 5
DEFAULT_TTL_HOURS = 12.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    code TEXT PRIMARY KEY,
    trainer_hash TEXT NOT NULL,
    case_json TEXT NOT NULL,
    as_of TEXT NOT NULL,
    revealed INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS volunteers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL REFERENCES sessions(code) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    nickname TEXT NOT NULL,
    joined REAL NOT NULL,
    UNIQUE (code, nickname)
);
CREATE TABLE IF NOT EXISTS predictions (
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    jurisdiction TEXT NOT NULL,
    outcome TEXT NOT NULL,
    answered REAL NOT NULL,
    PRIMARY KEY (volunteer_id, jurisdiction)
);
"""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Session:
    code: str
    case_json: str
    as_of: str
    revealed: bool
    expires: float


@dataclass(frozen=True)
class Volunteer:
    id: int
    code: str
    nickname: str


class NicknameTaken(Exception):
    """Another volunteer in this session already uses the nickname."""


class Store:
    """The sessions database at `path` (created on first use)."""

    def __init__(self, path: str | Path, ttl_hours: float = DEFAULT_TTL_HOURS) -> None:
        self.path = Path(path)
        self.ttl = ttl_hours * 3600
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never corrupt
        self._db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # sessions --------------------------------------------------------------------------------------------------
    def create_session(self, case_json: str, as_of: str, now: float | None = None) -> tuple[str, str]:
        """A new session: (join code, trainer token). The token is returned once and stored only as a hash."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE expires <= ?", (now,))
            for _ in range(50):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                try:
                    db.execute(
                        "INSERT INTO sessions (code, trainer_hash, case_json, as_of, created, expires) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (code, token_hash(token), case_json, as_of, now, now + self.ttl),
                    )
                    return code, token
                except sqlite3.IntegrityError:
                    continue
        raise RuntimeError("could not find a free join code")  # pragma: no cover - 32**5 codes

    def session(self, code: str, now: float | None = None) -> Session | None:
        """The live session with this code, or None (unknown or expired)."""
        now = time.time() if now is None else now
        with self._connect() as db:
            row = db.execute(
                "SELECT code, case_json, as_of, revealed, expires FROM sessions WHERE code = ? AND expires > ?",
                (normalise_code(code), now),
            ).fetchone()
        return Session(row[0], row[1], row[2], bool(row[3]), row[4]) if row else None

    def is_trainer(self, code: str, token: str | None) -> bool:
        if not token:
            return False
        with self._connect() as db:
            row = db.execute("SELECT trainer_hash FROM sessions WHERE code = ?", (normalise_code(code),)).fetchone()
        return bool(row) and hmac.compare_digest(row[0], token_hash(token))

    def reveal(self, code: str) -> None:
        with self._connect() as db:
            db.execute("UPDATE sessions SET revealed = 1 WHERE code = ?", (code,))

    def end(self, code: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE code = ?", (code,))

    # volunteers ------------------------------------------------------------------------------------------------
    def join(self, code: str, nickname: str, now: float | None = None) -> tuple[Volunteer, str]:
        """Add a volunteer; returns the volunteer and their token. Raises NicknameTaken."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(24)
        with self._connect() as db:
            try:
                cur = db.execute(
                    "INSERT INTO volunteers (code, token_hash, nickname, joined) VALUES (?, ?, ?, ?)",
                    (code, token_hash(token), nickname, now),
                )
            except sqlite3.IntegrityError:
                raise NicknameTaken(nickname) from None
        return Volunteer(int(cur.lastrowid or 0), code, nickname), token

    def volunteer(self, code: str, token: str | None) -> Volunteer | None:
        if not token:
            return None
        with self._connect() as db:
            row = db.execute(
                "SELECT id, code, nickname FROM volunteers WHERE code = ? AND token_hash = ?",
                (code, token_hash(token)),
            ).fetchone()
        return Volunteer(row[0], row[1], row[2]) if row else None

    def volunteers(self, code: str) -> list[str]:
        with self._connect() as db:
            rows = db.execute("SELECT nickname FROM volunteers WHERE code = ? ORDER BY joined, id", (code,)).fetchall()
        return [r[0] for r in rows]

    # predictions -----------------------------------------------------------------------------------------------
    def answer(self, volunteer: Volunteer, predictions: dict[str, str], now: float | None = None) -> None:
        """Record (or replace) the volunteer's predictions, all in one transaction."""
        now = time.time() if now is None else now
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT INTO predictions (volunteer_id, jurisdiction, outcome, answered) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (volunteer_id, jurisdiction) DO UPDATE SET outcome = excluded.outcome, "
                    "answered = excluded.answered",
                    [(volunteer.id, code, outcome, now) for code, outcome in predictions.items()],
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def predictions_of(self, volunteer: Volunteer) -> dict[str, str]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT jurisdiction, outcome FROM predictions WHERE volunteer_id = ?", (volunteer.id,)
            ).fetchall()
        return dict(rows)

    def tally(self, code: str) -> dict[str, dict[str, int]]:
        """Jurisdiction -> outcome -> how many volunteers predicted it ('' = don't know)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT p.jurisdiction, p.outcome, COUNT(*) FROM predictions p JOIN volunteers v "
                "ON v.id = p.volunteer_id WHERE v.code = ? GROUP BY p.jurisdiction, p.outcome",
                (code,),
            ).fetchall()
        out: dict[str, dict[str, int]] = {}
        for jurisdiction, outcome, n in rows:
            out.setdefault(jurisdiction, {})[outcome] = n
        return out

    def answered(self, code: str) -> int:
        """How many volunteers have sent their predictions."""
        with self._connect() as db:
            row = db.execute(
                "SELECT COUNT(DISTINCT p.volunteer_id) FROM predictions p JOIN volunteers v ON v.id = p.volunteer_id "
                "WHERE v.code = ?",
                (code,),
            ).fetchone()
        return int(row[0])

    def prediction_rows(self, code: str) -> int:
        """Every stored prediction of the session (one per volunteer and jurisdiction)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM predictions p JOIN volunteers v ON v.id = p.volunteer_id WHERE v.code = ?",
                (code,),
            ).fetchone()
        return int(row[0])


def normalise_code(code: str) -> str:
    """Join codes are case-insensitive and may be typed with spaces."""
    return "".join(code.split()).upper()[:16]


def valid_code(code: str) -> bool:
    code = normalise_code(code)
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)
