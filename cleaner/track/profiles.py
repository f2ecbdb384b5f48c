"""Outlet profiles: an embedded SQLite store of per-article track reports, and the statistics
recomputed from it.

The store keeps one row per (outlet, article id) — never only aggregates — so a profile is always
recomputed from the rows: re-running the same articles cannot count them twice, and a changed
article replaces its old row. Several `cleaner track` runs may write at once: WAL mode, a busy
timeout and one `BEGIN IMMEDIATE` transaction per `add()` keep the file whole. Reading
(`cleaner profiles`, `Profiles(path, readonly=True)`) writes nothing, so it works on read-only
storage too.

Statistics (each a `Stat`: value, 95 % interval, count n; see `stats.py` for the intervals):
- derivation mix: shares of rewrites that are wholly / partially / non derived (a rewrite whose
  derivation is null was matched to no wire and counts as non);
- verbatim / rewrite / new: shares of the span characters of *derived* rewrites (wholly or
  partially), pooled over articles;
- facts carried: sum(scores.wire_facts_carried) / sum(scores.wire_facts) over derived rewrites;
- discrepancies per 1,000 words of derived rewrites, by kind and in total;
- credit rate: share of derived rewrites with a known `credits_wire` that credit the wire;
- reliability: see `OutletProfile.reliability`.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cleaner.track.stats import poisson_rate, ratio_wilson, wilson

from .facts_model import KINDS

DEFAULT_STORE = "cleaner-profiles.sqlite"
SCHEMA_VERSION = 1
UNKNOWN_OUTLET = "(unknown)"

DERIVATIONS = ("wholly", "partially", "non")
DERIVED = frozenset({"wholly", "partially"})
SPAN_KINDS = ("verbatim", "rewrite", "new")
DISCREPANCY_KINDS = KINDS  # one list of kinds for facts, reports and profiles
# Discrepancies that change a wire fact the rewrite repeats; the other two kinds (quote-added,
# claim-added) add material that was never a wire fact, so they cannot lower fact reliability.
ALTERATION_KINDS = frozenset(DISCREPANCY_KINDS) - {"quote-added", "claim-added"}

_SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """The profile store cannot be used: not a database, locked, from a newer version, ..."""


@dataclass(frozen=True)
class AddResult:
    """What one `Profiles.add` call did. `replaced` lists (outlet, id) pairs whose stored row had a
    different content hash and was replaced by the new report; `skipped_errors` counts reports
    that carry an `error` (the article could not be tracked, so there is nothing to profile)."""

    added: int
    skipped_duplicates: int
    replaced: tuple[tuple[str, str], ...] = ()
    skipped_errors: int = 0

    def summary(self) -> str:
        """In words, for a log line: "5 reports added, 2 already stored, 1 replaced"."""
        parts = [f"{self.added} report{'s' * (self.added != 1)} added"]
        if self.skipped_duplicates:
            parts.append(f"{self.skipped_duplicates} already stored")
        if self.replaced:
            parts.append(f"{len(self.replaced)} replaced (their article changed)")
        if self.skipped_errors:
            parts.append(f"{self.skipped_errors} with an error not stored")
        return ", ".join(parts)


@dataclass(frozen=True)
class Stat:
    """One estimate: `value` with its 95 % interval [`low`, `high`], the `count` it was computed
    from (numerator: articles, characters, facts or discrepancies) and `n`, the size of the sample
    behind it, in `unit`s. value/low/high are None when n is 0."""

    value: float | None
    low: float | None
    high: float | None
    n: int
    unit: str
    count: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": _round(self.value),
            "ci95": None if self.low is None else [_round(self.low), _round(self.high)],
            "n": self.n,
            "unit": self.unit,
            "count": self.count,
        }


@dataclass(frozen=True)
class OutletProfile:
    """Everything the store knows about one outlet. Counts are articles; `derived` counts the
    rewrites derived (wholly or partially) from wire copy, the base of every statistic after the
    derivation mix.

    `reliability` is the share of the wire facts an outlet repeated that came through intact:

        reliability = sum_i carried_i / sum_i (carried_i + altered_i)

    over the outlet's derived rewrites i, where carried_i is `scores.wire_facts_carried` (wire
    facts found unchanged in the rewrite) and altered_i counts the article's discrepancies of the
    kinds that change a wire fact on the way (number-changed, number-dropped, hedge-dropped,
    quote-altered, attribution-dropped, attribution-changed, entity-changed). 1.0 means nothing
    the outlet took from the wire was changed. Cutting wire facts does not lower it (that is
    `facts_carried`), and neither do added quotes or claims, which were never wire facts (see
    their rates). Its interval is `ratio_wilson` with repeated facts as trials, clustered by
    article."""

    outlet: str
    articles: int
    wire_articles: int
    rewrites: int
    derived: int
    rewrite_chars: int
    derivation: dict[str, Stat]
    spans: dict[str, Stat]
    facts_carried: Stat
    discrepancies_per_1000_words: dict[str, Stat]
    credit_rate: Stat
    reliability: Stat

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet,
            "articles": self.articles,
            "wire_articles": self.wire_articles,
            "rewrites": self.rewrites,
            "derived": self.derived,
            "rewrite_chars": self.rewrite_chars,
            "derivation": {k: v.to_dict() for k, v in self.derivation.items()},
            "spans": {k: v.to_dict() for k, v in self.spans.items()},
            "facts_carried": self.facts_carried.to_dict(),
            "discrepancies_per_1000_words": {
                k: v.to_dict() for k, v in self.discrepancies_per_1000_words.items()
            },
            "credit_rate": self.credit_rate.to_dict(),
            "reliability": self.reliability.to_dict(),
        }


# ---------------------------------------------------------------------------------------------
# Report validation: a report becomes a flat row, or a ValueError naming the record and field.


@dataclass(frozen=True)
class ArticleRow:
    """What the store keeps of one report: the counts every statistic is recomputed from."""

    outlet: str
    article_id: str
    content_hash: str
    role: str
    derivation: str | None = None
    derivation_score: float | None = None
    credits_wire: bool | None = None
    wire_ids: tuple[str, ...] = ()
    words: int = 0
    wire_facts: int = 0
    wire_facts_carried: int = 0
    chars: tuple[int, int, int] = (0, 0, 0)  # verbatim, rewrite, new
    discrepancies: tuple[tuple[str, int], ...] = ()  # (kind, count), sorted by kind


def validate_report(report: Mapping[str, Any], index: int | None = None) -> ArticleRow:
    """Check one `cleaner track` report and reduce it to the row the store keeps.

    Raises ValueError naming the record (its id, else its position) and the offending field, so
    a caller can skip the record and go on. Wire records need only id, outlet, role and
    content_hash; rewrites need the whole schema."""
    where = f"report #{index}" if index is not None else "report"
    if not isinstance(report, Mapping):
        raise ValueError(f"{where}: expected a JSON object, got {type(report).__name__}")
    rid = report.get("id")
    if isinstance(rid, str) and rid:
        where = f"report {rid!r}"

    def fail(name: str, problem: str) -> ValueError:
        return ValueError(f"{where}: field {name!r} {problem}")

    def need(name: str) -> Any:
        if name not in report:
            raise fail(name, "is missing")
        return report[name]

    article_id = need("id")
    if not isinstance(article_id, str) or not article_id:
        raise fail("id", "must be a non-empty string")
    outlet = need("outlet")
    if outlet is not None and not isinstance(outlet, str):
        raise fail("outlet", "must be a string or null")
    outlet = (outlet or "").strip() or UNKNOWN_OUTLET
    role = need("role")
    if role not in ("wire", "rewrite"):
        raise fail("role", f"must be 'wire' or 'rewrite', got {role!r}")
    content_hash = need("content_hash")
    if not isinstance(content_hash, str) or not content_hash:
        raise fail("content_hash", "must be a non-empty string")
    if role == "wire":
        return ArticleRow(outlet, article_id, content_hash, role)

    derivation = need("derivation")
    if derivation is not None and derivation not in DERIVATIONS:
        raise fail("derivation", f"must be one of {', '.join(DERIVATIONS)} or null")
    score = report.get("derivation_score")
    if score is not None and (not _is_number(score) or not math.isfinite(score)):
        raise fail("derivation_score", "must be a finite number or null")
    credits = need("credits_wire")
    if credits is not None and not isinstance(credits, bool):
        raise fail("credits_wire", "must be true, false or null")
    wire_ids = need("wire_ids")
    if not isinstance(wire_ids, list) or not all(isinstance(w, str) for w in wire_ids):
        raise fail("wire_ids", "must be a list of strings")

    scores = need("scores")
    if not isinstance(scores, Mapping):
        raise fail("scores", "must be an object")
    counts = {}
    for key in ("words", "wire_facts", "wire_facts_carried"):
        if key not in scores:
            raise fail(f"scores.{key}", "is missing")
        value = scores[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise fail(f"scores.{key}", f"must be a non-negative integer, got {value!r}")
        counts[key] = value
    if counts["wire_facts_carried"] > counts["wire_facts"]:
        raise fail(
            "scores.wire_facts_carried",
            f"({counts['wire_facts_carried']}) exceeds scores.wire_facts ({counts['wire_facts']})",
        )

    spans = need("spans")
    if not isinstance(spans, list):
        raise fail("spans", "must be a list")
    chars = dict.fromkeys(SPAN_KINDS, 0)
    for i, span in enumerate(spans):
        if not isinstance(span, Mapping):
            raise fail(f"spans[{i}]", "must be an object")
        start, end, kind = span.get("start"), span.get("end"), span.get("kind")
        if kind not in chars:
            raise fail(f"spans[{i}].kind", f"must be one of {', '.join(SPAN_KINDS)}")
        if not (_is_int(start) and _is_int(end) and 0 <= start <= end):
            raise fail(
                f"spans[{i}]", f"needs integer offsets 0 <= start <= end, got {start!r}, {end!r}"
            )
        chars[kind] += end - start

    items = need("discrepancies")
    if not isinstance(items, list):
        raise fail("discrepancies", "must be a list")
    kinds: dict[str, int] = {}
    for i, item in enumerate(items):
        kind = item.get("kind") if isinstance(item, Mapping) else None
        if not isinstance(kind, str) or not kind:
            raise fail(f"discrepancies[{i}].kind", "must be a non-empty string")
        kinds[kind] = kinds.get(kind, 0) + 1

    return ArticleRow(
        outlet=outlet,
        article_id=article_id,
        content_hash=content_hash,
        role=role,
        derivation=derivation,
        derivation_score=None if score is None else float(score),
        credits_wire=credits,
        wire_ids=tuple(wire_ids),
        words=counts["words"],
        wire_facts=counts["wire_facts"],
        wire_facts_carried=counts["wire_facts_carried"],
        chars=(chars["verbatim"], chars["rewrite"], chars["new"]),
        discrepancies=tuple(sorted(kinds.items())),
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---------------------------------------------------------------------------------------------
# The store.

_COLUMNS = (
    "outlet, article_id, content_hash, role, derivation, derivation_score, credits_wire, "
    "wire_ids, words, wire_facts, wire_facts_carried, chars_verbatim, chars_rewrite, chars_new, "
    "discrepancies, run_id"
)


def _create_v1(conn: sqlite3.Connection) -> None:
    """Schema 1: one row per (outlet, article id); discrepancies as a JSON {kind: count}."""
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute(
        """CREATE TABLE articles (
            outlet TEXT NOT NULL,
            article_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('wire', 'rewrite')),
            derivation TEXT CHECK (derivation IN ('wholly', 'partially', 'non')),
            derivation_score REAL,
            credits_wire INTEGER CHECK (credits_wire IN (0, 1)),
            wire_ids TEXT NOT NULL,
            words INTEGER NOT NULL,
            wire_facts INTEGER NOT NULL,
            wire_facts_carried INTEGER NOT NULL,
            chars_verbatim INTEGER NOT NULL,
            chars_rewrite INTEGER NOT NULL,
            chars_new INTEGER NOT NULL,
            discrepancies TEXT NOT NULL,
            run_id TEXT,
            PRIMARY KEY (outlet, article_id)
        ) WITHOUT ROWID"""
    )
    conn.execute(
        """CREATE TABLE runs (
            seq INTEGER PRIMARY KEY,
            run_id TEXT,
            finished_at TEXT NOT NULL,
            added INTEGER NOT NULL,
            skipped_duplicates INTEGER NOT NULL,
            replaced INTEGER NOT NULL
        )"""
    )
    conn.execute("INSERT INTO schema_version (version) VALUES (1)")


# MIGRATIONS[v] upgrades a store at schema v to v + 1 (0 = a new, empty database). A future
# schema adds its step here; old stores are upgraded in place, inside one transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {0: _create_v1}


class Profiles:
    """The outlet-profile store (`cleaner profiles`, `cleaner track --store`).

    `Profiles(path)` opens the SQLite file for writing, creating it if absent (or a zero-byte
    file); it raises StoreError rather than touch a file that is not one of its stores.
    `Profiles(path, readonly=True)` only reads: the path must already be a profile store, and
    nothing is written or created — not the journal mode, not a -wal/-shm file — so a store on
    read-only storage can be read (see `_connect_readonly`). `timeout` is how long a write
    waits for another process's write to finish before giving up with StoreError."""

    def __init__(
        self, path: str | Path = DEFAULT_STORE, *, timeout: float = 30.0, readonly: bool = False
    ) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.readonly = readonly
        self._snapshot: _FileState | None = None  # set while reading without locks
        _check_file(self.path, readonly=readonly)
        self._conn = self._connect_readonly() if readonly else self._connect(str(self.path))
        try:
            self._prepare()
        except BaseException:
            self._conn.close()
            raise

    def _connect(self, target: str, uri: bool = False) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(target, timeout=self.timeout, isolation_level=None, uri=uri)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")  # not a write
        return conn

    def _connect_readonly(self, locking: bool | None = None) -> sqlite3.Connection:
        """Open without writing anything. SQLite's `mode=ro` still creates the -wal and -shm
        files of a WAL store (and leaves them behind, since a read-only connection cannot
        remove them), and fails where it cannot create them (read-only storage). So when no
        -wal or -journal file exists — no writer is at work and every commit is in the main
        file — the store is read as `immutable=1`: no locks, no files created. That is only
        sound while nobody writes, so `_read` compares the file with this moment after every
        query and, if it changed, reopens with `mode=ro` and locks. A -wal or -journal file
        (a writer at work, or one that crashed) means `mode=ro` from the start."""
        state = _file_state(self.path)
        if locking is None:
            locking = bool(state.sidecars)
        self._snapshot = None if locking else state
        flags = "mode=ro" if locking else "mode=ro&immutable=1"
        return self._connect(f"{self.path.absolute().as_uri()}?{flags}", uri=True)

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Profiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self) -> None:
        if self.readonly:
            self._check_version(self._schema_version())
            return
        with self._errors():
            self._enable_wal()
            self._conn.execute("PRAGMA synchronous = NORMAL")
            if self._schema_version() == SCHEMA_VERSION:
                return  # the usual case: no write lock needed just to open
            with self._transaction():
                version = self._schema_version()
                self._check_version(version)
                while version < SCHEMA_VERSION:
                    MIGRATIONS[version](self._conn)
                    version += 1
                    self._conn.execute("UPDATE schema_version SET version = ?", (version,))

    def _check_version(self, version: int) -> None:
        """Refuse a store from a newer cleaner; a reader also refuses what it would have to
        write to use: an empty database (no store yet) or an older schema (to migrate)."""
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer cleaner (store schema {version}, this "
                f"version understands up to {SCHEMA_VERSION}); upgrade cleaner"
            )
        if self.readonly and version == 0:
            raise StoreError(f"{self.path}: an empty SQLite database, not a profile store")
        if self.readonly and version < SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema {version} must be upgraded first; open it for "
                "writing once (cleaner track --store)"
            )

    def _enable_wal(self) -> None:
        """Switch to WAL (readers never wait for a writer). SQLite does not call the busy handler
        for this switch, so two processes creating the store at once must retry by hand."""
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            try:
                mode = self._conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                text = str(exc).lower()
                if ("locked" not in text and "busy" not in text) or time.monotonic() > deadline:
                    raise
            time.sleep(delay)
            delay = min(2 * delay, 0.1)

    def _schema_version(self) -> int:
        tables = {r[0] for r in self._read("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return 0
        if "schema_version" not in tables:
            raise StoreError(
                f"{self.path}: a SQLite database but not a cleaner profile store "
                f"(tables: {', '.join(sorted(tables))})"
                + ("" if self.readonly else "; refusing to change it")
            )
        version = self._read("SELECT MAX(version) FROM schema_version")[0][0]
        if version is None:
            raise StoreError(f"{self.path}: damaged profile store (empty schema_version table)")
        return int(version)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """The rows of one query, from one consistent snapshot. A lock-free (immutable) read
        counts only if the file is still as it was when opened; if a writer changed it, the
        store is reopened (see `_connect_readonly`) and the query run again, with locks after
        a few tries."""
        for tries_left in (2, 1, 0):
            if self._snapshot is None:
                return self._query(sql, params)
            try:
                rows = self._query(sql, params)
            except StoreError:
                if _file_state(self.path) == self._snapshot:
                    raise  # really damaged, not a read torn by a writer
            else:
                if _file_state(self.path) == self._snapshot:
                    return rows
            self._conn.close()
            self._conn = self._connect_readonly(locking=None if tries_left else True)
        return self._query(sql, params)

    def _query(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        if self._conn.in_transaction:  # inside _prepare's migration
            with self._errors():
                return self._conn.execute(sql, params).fetchall()
        with self._transaction("DEFERRED") as conn, self._errors():
            return conn.execute(sql, params).fetchall()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn sqlite3 errors into StoreErrors that name the file and say what went wrong."""
        try:
            yield
        except sqlite3.Error as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                message = (
                    f"{self.path}: locked by another process (gave up after {self.timeout:g} s)"
                )
            elif "not a database" in text or "malformed" in text:
                message = f"{self.path}: not a SQLite database or damaged ({exc})"
            else:
                message = f"{self.path}: {exc}"
            raise StoreError(message) from exc

    @contextmanager
    def _transaction(self, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside is committed together or not at all."""
        with self._errors():
            self._conn.execute(f"BEGIN {mode}")
        try:
            yield self._conn
            with self._errors():
                self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise

    # -- writing -----------------------------------------------------------------------------

    def add(self, reports: Iterable[Mapping[str, Any]], run_id: str | None = None) -> AddResult:
        """Store track reports: new articles are added, ones already stored with the same content
        hash are skipped, ones stored with another hash are replaced, error reports (an `error`
        field) are skipped. All or nothing: a report that fails validation raises ValueError
        (naming its id and field) before anything is written, and a store error rolls the whole
        call back."""
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only; cannot add reports")
        rows = []
        errors = 0
        for i, report in enumerate(reports):
            if isinstance(report, Mapping) and report.get("error"):
                errors += 1
                continue
            rows.append(validate_report(report, index=i))
        added = skipped = 0
        replaced: list[tuple[str, str]] = []
        placeholders = ", ".join("?" * len(_COLUMNS.split(", ")))
        with self._transaction() as conn, self._errors():
            for row in rows:
                key = (row.outlet, row.article_id)
                old = conn.execute(
                    "SELECT content_hash FROM articles WHERE outlet = ? AND article_id = ?", key
                ).fetchone()
                if old is not None and old[0] == row.content_hash:
                    skipped += 1
                    continue
                conn.execute(
                    f"INSERT OR REPLACE INTO articles ({_COLUMNS}) VALUES ({placeholders})",
                    _row_values(row, run_id),
                )
                if old is None:
                    added += 1
                else:
                    replaced.append(key)
            conn.execute(
                "INSERT INTO runs (run_id, finished_at, added, skipped_duplicates, replaced) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    run_id,
                    datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    added,
                    skipped,
                    len(replaced),
                ),
            )
        return AddResult(added, skipped, tuple(replaced), errors)

    # -- reading -----------------------------------------------------------------------------

    def profiles(self) -> list[OutletProfile]:
        """Every outlet's profile, sorted by outlet, from one consistent snapshot of the rows."""
        grouped: dict[str, list[ArticleRow]] = {}
        for row in self._select("", ()):
            grouped.setdefault(row.outlet, []).append(row)
        return [compute_profile(outlet, grouped[outlet]) for outlet in sorted(grouped)]

    def profile(self, outlet: str) -> OutletProfile | None:
        """One outlet's profile, or None when the store has no article from it."""
        rows = self._select("WHERE outlet = ?", (outlet,))
        return compute_profile(outlet, rows) if rows else None

    def __len__(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM articles")[0][0])

    def _select(self, where: str, params: Sequence[Any]) -> list[ArticleRow]:
        found = self._read(
            f"SELECT {_COLUMNS} FROM articles {where} ORDER BY outlet, article_id", params
        )
        try:
            return [_row_from_db(values) for values in found]
        except ValueError as exc:
            raise StoreError(f"{self.path}: damaged profile store ({exc})") from None


def _check_file(path: Path, readonly: bool = False) -> None:
    """Refuse, before SQLite touches it, anything that is not a SQLite file. A new path or a
    zero-byte file (`touch store.sqlite`: nothing in it to lose) becomes a new store when
    writing; when only reading, neither is a store, and nothing is created."""
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a store file")
    if not path.parent.is_dir():
        raise StoreError(f"{path}: directory {path.parent} does not exist")
    if not path.exists():
        if readonly:
            raise StoreError(f"{path}: no such store (`cleaner track --store` creates one)")
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the store ({exc.strerror or exc})") from exc
    if not head and readonly:
        raise StoreError(f"{path}: an empty file, not a profile store")
    if head and head != _SQLITE_HEADER:
        raise StoreError(
            f"{path}: not a SQLite database (the file does not start with the SQLite header)"
            + ("" if readonly else "; refusing to overwrite it")
        )


@dataclass(frozen=True)
class _FileState:
    """What tells whether a store file changed: its identity, size and times, and which of its
    -wal / -journal files exist (a writer at work)."""

    stat: tuple[int, int, int, int, int]
    sidecars: tuple[str, ...]


def _file_state(path: Path) -> _FileState:
    try:
        st = path.stat()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the store ({exc.strerror or exc})") from exc
    sidecars = tuple(s for s in ("-wal", "-journal") if Path(f"{path}{s}").exists())
    return _FileState((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns), sidecars)


def _row_from_db(values: Sequence[Any]) -> ArticleRow:
    (
        outlet,
        article_id,
        content_hash,
        role,
        derivation,
        score,
        credits,
        wire_ids,
        words,
        facts,
        carried,
        verbatim,
        rewrite,
        new,
        discrepancies,
        _run_id,
    ) = values
    return ArticleRow(
        outlet=outlet,
        article_id=article_id,
        content_hash=content_hash,
        role=role,
        derivation=derivation,
        derivation_score=score,
        credits_wire=None if credits is None else bool(credits),
        wire_ids=_json_column(wire_ids, "wire_ids", article_id, _is_str_list),
        words=words,
        wire_facts=facts,
        wire_facts_carried=carried,
        chars=(verbatim, rewrite, new),
        discrepancies=_json_column(discrepancies, "discrepancies", article_id, _is_count_map),
    )


def _json_column(raw: Any, field: str, article_id: str, check: Callable[[Any], Any]) -> Any:
    """Decode one JSON column of a stored row; `check` returns the value to keep, or None when
    it has the wrong shape. A damaged row raises ValueError naming the article and field
    (`_select` turns it into a StoreError naming the store) instead of a traceback."""
    try:
        value = check(json.loads(raw))
    except (TypeError, ValueError):
        value = None
    if value is None:
        raise ValueError(f"article {article_id!r}: column {field!r} is not valid ({raw!r:.60})")
    return value


def _is_str_list(value: Any) -> tuple[str, ...] | None:
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    return tuple(value) if ok else None


def _is_count_map(value: Any) -> tuple[tuple[str, int], ...] | None:
    ok = isinstance(value, dict) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value.values()
    )
    return tuple(sorted(value.items())) if ok else None


def _row_values(row: ArticleRow, run_id: str | None) -> tuple:
    return (
        row.outlet,
        row.article_id,
        row.content_hash,
        row.role,
        row.derivation,
        row.derivation_score,
        None if row.credits_wire is None else int(row.credits_wire),
        json.dumps(list(row.wire_ids)),
        row.words,
        row.wire_facts,
        row.wire_facts_carried,
        *row.chars,
        json.dumps(dict(row.discrepancies), sort_keys=True),
        run_id,
    )


# ---------------------------------------------------------------------------------------------
# Statistics from stored rows.


def compute_profile(outlet: str, rows: Sequence[ArticleRow]) -> OutletProfile:
    """Recompute one outlet's profile from its stored rows."""
    rewrites = [r for r in rows if r.role == "rewrite"]
    mix = dict.fromkeys(DERIVATIONS, 0)
    for r in rewrites:
        mix[r.derivation or "non"] += 1  # null derivation: matched to no wire, nothing derived
    derivation = {d: _share(mix[d], len(rewrites), "rewrites") for d in DERIVATIONS}

    derived = [r for r in rewrites if r.derivation in DERIVED]
    with_text = [r.chars for r in derived if sum(r.chars) > 0]
    totals = [sum(c) for c in with_text]
    spans = {
        kind: _ratio([c[i] for c in with_text], totals, cap=len(totals), unit="articles")
        for i, kind in enumerate(SPAN_KINDS)
    }

    facts = [r.wire_facts for r in derived]
    carried = [r.wire_facts_carried for r in derived]
    facts_carried = _ratio(carried, facts, cap=sum(facts), unit="wire facts")

    words = sum(r.words for r in derived)
    per_kind = dict.fromkeys(DISCREPANCY_KINDS, 0)
    altered = []
    for r in derived:
        for kind, count in r.discrepancies:
            per_kind[kind] = per_kind.get(kind, 0) + count
        altered.append(sum(c for k, c in r.discrepancies if k in ALTERATION_KINDS))
    order = list(DISCREPANCY_KINDS) + sorted(set(per_kind) - set(DISCREPANCY_KINDS))
    rates = {kind: _rate(per_kind[kind], words) for kind in order}
    rates["total"] = _rate(sum(per_kind.values()), words)

    known_credit = [r.credits_wire for r in derived if r.credits_wire is not None]
    credit_rate = _share(sum(known_credit), len(known_credit), "derived rewrites")

    repeated = [c + a for c, a in zip(carried, altered, strict=True)]
    reliability = _ratio(carried, repeated, cap=sum(repeated), unit="repeated wire facts")

    return OutletProfile(
        outlet=outlet,
        articles=len(rows),
        wire_articles=len(rows) - len(rewrites),
        rewrites=len(rewrites),
        derived=len(derived),
        rewrite_chars=sum(totals),
        derivation=derivation,
        spans=spans,
        facts_carried=facts_carried,
        discrepancies_per_1000_words=rates,
        credit_rate=credit_rate,
        reliability=reliability,
    )


def _share(count: int, n: int, unit: str) -> Stat:
    result = wilson(count, n)
    if result is None:
        return Stat(None, None, None, 0, unit, count)
    return Stat(*result, n=n, unit=unit, count=count)


def _ratio(nums: Sequence[int], dens: Sequence[int], cap: int, unit: str) -> Stat:
    result = ratio_wilson(nums, dens, cap)
    n = len(dens) if unit == "articles" else sum(dens)
    if result is None:
        return Stat(None, None, None, n, unit, sum(nums))
    value, low, high, _ = result
    return Stat(value, low, high, n=n, unit=unit, count=sum(nums))


def _rate(count: int, words: int) -> Stat:
    result = poisson_rate(count, words)
    if result is None:
        return Stat(None, None, None, words, "words", count)
    return Stat(*result, n=words, unit="words", count=count)


def _round(value: float | None, places: int = 6) -> float | None:
    """Round for output so JSON is byte-identical across platforms' last-bit float noise."""
    return None if value is None else round(value, places)


# ---------------------------------------------------------------------------------------------
# Rendering.


def profiles_json(profiles: Sequence[OutletProfile]) -> str:
    """The profiles as one JSON document (sorted keys, stable across runs)."""
    document = {
        "confidence": 0.95,
        "profiles": [p.to_dict() for p in sorted(profiles, key=lambda p: p.outlet)],
    }
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


_MAIN_COLUMNS = (
    "outlet",
    "articles",
    "wire",
    "rewrites",
    "derived",
    "wholly",
    "partially",
    "non",
    "verbatim",
    "rewrite",
    "new",
    "facts",
    "carried",
    "disc/1k words",
    "credit",
    "reliability",
)


def format_table(profiles: Sequence[OutletProfile]) -> str:
    """Plain-text tables: one row per outlet, then discrepancy rates by kind for each outlet.

    Shares are percentages with the 95 % interval in brackets; "-" means no data to estimate
    from. Per-kind counts and exact intervals are in the JSON output."""
    ordered = sorted(profiles, key=lambda p: p.outlet)
    main = [list(_MAIN_COLUMNS)]
    for p in ordered:
        main.append(
            [
                p.outlet,
                str(p.articles),
                str(p.wire_articles),
                str(p.rewrites),
                str(p.derived),
                *(_pct(p.derivation[d]) for d in DERIVATIONS),
                *(_pct(p.spans[k]) for k in SPAN_KINDS),
                str(p.facts_carried.n),
                _pct(p.facts_carried),
                _num(p.discrepancies_per_1000_words["total"]),
                _pct(p.credit_rate),
                _pct(p.reliability),
            ]
        )
    plural = "" if len(ordered) == 1 else "s"
    lines = [
        f"Outlet profiles: {len(ordered)} outlet{plural}; shares in %, 95% intervals in brackets"
    ]
    lines += _align(main)
    kinds = [["outlet", "kind", "count", "words", "per 1k words"]]
    for p in ordered:
        for kind, stat in p.discrepancies_per_1000_words.items():
            if kind != "total" and stat.count:
                kinds.append([p.outlet, kind, str(stat.count), str(stat.n), _num(stat)])
    lines.append("")
    lines.append("Discrepancies per 1,000 words of derived rewrites, by kind")
    lines += _align(kinds, left=2) if len(kinds) > 1 else ["(none)"]
    return "\n".join(lines) + "\n"


def format_stat(stat: Stat, scale: float = 1.0, places: int = 2, dash: str = "-") -> str:
    """`value [low-high]`, each times `scale` with `places` decimals; "-" when there is no data."""
    if stat.value is None:
        return "-"
    value, low, high = (x * scale for x in (stat.value, stat.low, stat.high))
    return f"{value:.{places}f} [{low:.{places}f}{dash}{high:.{places}f}]"


def _pct(stat: Stat) -> str:
    return format_stat(stat, 100, 0)


def _num(stat: Stat) -> str:
    return format_stat(stat)


def _align(rows: list[list[str]], left: int = 1) -> list[str]:
    """Left-align the first `left` (text) columns, right-align the numbers; two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
    return out
