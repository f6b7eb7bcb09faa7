"""Durable store of users' thumbs up/down on answers (SQLite, one file in the data folder).

Example::

    store = FeedbackStore(Path("data/feedback.sqlite3"))
    store.add("question", "answer", rating=1, comment="useful")
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")  # several workers write without blocking readers
            db.execute(
                "CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at REAL NOT NULL, "
                "question TEXT NOT NULL, answer TEXT NOT NULL, rating INTEGER NOT NULL CHECK (rating IN (-1, 1)), "
                "comment TEXT NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, question: str, answer: str, rating: int, comment: str = "") -> int:
        with self._connect() as db:
            cur = db.execute("INSERT INTO feedback (created_at, question, answer, rating, comment) VALUES (?, ?, ?, ?, ?)",
                             (time.time(), question, answer, rating, comment))
            return int(cur.lastrowid)

    def all(self) -> list[dict]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM feedback ORDER BY id")]
