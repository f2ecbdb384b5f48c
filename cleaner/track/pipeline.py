"""`track`: a corpus in, one report per article out (the contract documented in the README).

Steps, in order: read and clean every record; check ids; decide roles (designated wires, then
agency marks, with copies of one wire story collapsed to one original); index the wires; for
every rewrite propose candidates, align, classify the derivation, compare facts within aligned
pairs, check the credit. Reports come out in input order; the store (if any) gets them all in one
transaction at the end, so a failed run writes nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from cleaner.recurring import host_of
from cleaner.sources import content_type_error
from cleaner.track.align import Alignment, Span, align, split_sentences
from cleaner.track.derive import DeriveModel, default_model, features
from cleaner.track.index import TermStats, WireIndex, terms, tokens
from cleaner.track.wire import credits, detect_agency, is_agency_outlet


class TrackError(Exception):
    """A corpus that cannot be tracked at all (empty, duplicate ids, unreadable wires)."""


@dataclass(slots=True)
class Doc:
    """One record after cleaning: the body every offset refers to, and what we know about it."""

    id: str
    body: str = ""
    outlet: str | None = None
    role: str | None = None  # designated: "wire" | "rewrite"; None = decide
    published: date | None = None  # the day as written: what "Tuesday" in the text refers to
    published_at: datetime | None = None  # the instant (UTC) when `published` gives a time
    agency: str | None = None
    credit_text: str = ""  # body plus title/byline: where a credit may sit
    error: str | None = None
    meta: dict = field(default_factory=dict)
    designated: bool = False


@dataclass(slots=True)
class Options:
    """Thresholds of the matching step, with the defaults `cleaner track` uses."""

    candidates: int = 3  # wires aligned jointly per rewrite
    min_candidate: float = 0.08  # finer score below which a wire is not even aligned
    min_wire_words: int = 12  # a wire must explain this many rewrite words to be kept
    copy_containment: float = 0.5  # shingle containment that makes two agency copies one story


# -- reading -------------------------------------------------------------------------------------


def _date(value: Any) -> date | None:
    """The date a record's `published` gives, or None when it gives none: a date that does not
    exist ("2018-02-30") is as good as no date, not a reason to stop the run."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
        try:
            return date(int(m[1]), int(m[2]), int(m[3])) if m else None
        except ValueError:
            return None


_HAS_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _instant(value: Any) -> datetime | None:
    """The moment a `published` with a time of day gives, in UTC; a time without a zone counts
    as UTC. None for a date alone (or no date): that says nothing about the hour."""
    if not isinstance(value, str) or not _HAS_TIME.match(value.strip()):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _as_record(item: Any) -> tuple[str, str | None, str | None, dict, str | None]:
    """(id, text, html, meta, error) from a Record, a dict or an object with those attributes."""
    if isinstance(item, Mapping):
        meta = {k: v for k, v in item.items() if k not in ("id", "text", "html")}
        return (
            str(item.get("id", "")),
            item.get("text"),
            item.get("html"),
            meta,
            item.get("error"),
        )
    return (
        str(item.id),
        getattr(item, "text", None),
        getattr(item, "html", None),
        dict(getattr(item, "meta", {}) or {}),
        getattr(item, "error", None),
    )


FileKey = tuple[int, int]


def _file_key(name: str) -> FileKey | None:
    """What a regular file or a named pipe is however it is named (another spelling, `..`, a
    symlink, a hard link): its device and inode. A pipe can be read only once: opened again it
    would wait for a writer that never comes. None for "-" (stdin) and devices."""
    if name == "-":
        return None
    try:
        st = os.stat(name)
    except OSError:
        return None
    keyed = stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)
    return (st.st_dev, st.st_ino) if keyed else None


def _iter_input(
    items: Iterable[Any] | str | os.PathLike,
    read: set[FileKey],
    wire_files: frozenset[FileKey] = frozenset(),
    as_given: bool = False,
) -> Iterator[tuple[Any, bool]]:
    """Records from paths (via cleaner.sources) or record objects/dicts as given, each with
    whether its file is also named as a wire. A file already in `read` is skipped (and every
    file read is added), so a file named twice is read once. `as_given` (--no-clean): a file's
    text is kept exactly as decoded, as a dict's text is, so offsets refer to the same text
    whichever way it came in."""
    if isinstance(items, (str, os.PathLike)):
        items = [items]
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            yield item, False
            continue
        for name in _expand(str(item)):
            key = _file_key(name)
            if key is not None:
                if key in read:
                    continue
                read.add(key)
            recs = _read_paths([name], as_given)
            yield from ((rec, key in wire_files) for rec in recs)


def _expand(path: str) -> list[str]:
    """The files a path names (a folder's, sorted); a missing path stops the run."""
    from cleaner.sources import expand_paths

    if path != "-" and not Path(path).exists():
        raise TrackError(f"{path}: no such file or folder")
    return list(expand_paths([path]))


def _wire_files(wires: Iterable[Any] | str | os.PathLike | None) -> frozenset[FileKey]:
    """The files named by `wires` (folders expanded)."""
    if wires is None:
        return frozenset()
    if isinstance(wires, (str, os.PathLike)):
        wires = [wires]
    names = (n for w in wires if isinstance(w, (str, os.PathLike)) for n in _expand(str(w)))
    return frozenset(k for k in map(_file_key, names) if k is not None)


def _read_paths(paths: Sequence[str], as_given: bool = False) -> Iterator[Any]:
    from cleaner.sources import iter_records

    yield from iter_records(paths, as_given=as_given)


def _clean_doc(item: Any, no_clean: bool, position: int) -> Doc:
    rid, text, html, meta, error = _as_record(item)
    rid = rid or f"#{position}"
    role = meta.get("role")
    published = meta.get("published")
    doc = Doc(rid, meta=meta, published=_date(published), published_at=_instant(published))
    if role is not None and role not in ("wire", "rewrite"):
        doc.error = f"{rid}: role must be 'wire' or 'rewrite', got {role!r}"
        return doc
    doc.role = role
    outlet = meta.get("outlet") or meta.get("publisher")
    doc.outlet = outlet if isinstance(outlet, str) and outlet.strip() else host_of(meta.get("url"))
    if error:
        doc.error = error
        return doc
    problem = content_type_error(text, html)
    if problem:
        doc.error = f"{rid}: {problem}"
        return doc
    if not (text or html) or not str(text or html).strip():
        doc.error = f"{rid}: record has no text"
        return doc
    if no_clean:
        if text is None:
            doc.error = f"{rid}: --no-clean needs plain text, the record has only HTML"
            return doc
        from cleaner.text import without_lone_surrogates

        # as given; only a lone surrogate (a JSON "\ud800" escape, not Unicode) becomes U+FFFD,
        # one for one, so every offset still fits the text the user gave
        doc.body = doc.credit_text = without_lone_surrogates(text)
    else:
        from cleaner.clean import clean

        try:
            art = clean(html if html else text, id=rid, kind="html" if html else "text")
        except Exception as exc:  # a page the cleaner cannot handle fails alone
            doc.error = f"{rid}: cleaning failed ({type(exc).__name__}: {exc})"
            return doc
        if art.error or not art.body.strip():
            doc.error = f"{rid}: {art.error or 'cleaning left no article body'}"
            return doc
        doc.body = art.body
        doc.outlet = doc.outlet or art.outlet
        # Each byline line on its own line: `Article.byline` joins them with " | ", and a line
        # that is just "Bloomberg" is an agency's mark only while it stands alone.
        bylines = [ln.text for ln in art.lines if ln.label == "byline"]
        doc.credit_text = "\n".join(x for x in (art.title, *bylines, art.body) if x)
    return doc


def _read_docs(
    records: Iterable[Any] | str | os.PathLike,
    wires: Iterable[Any] | str | os.PathLike | None,
    no_clean: bool,
) -> list[Doc]:
    """Every record of the corpus, then every wire not already in it. A file is read once
    however often it is named: a wire file that is also in the corpus stays in the corpus's
    place, as a wire, so it is not tracked as a rewrite of itself."""
    wire_files = _wire_files(wires)
    read: set[FileKey] = set()
    docs = []
    for i, (item, is_wire) in enumerate(_iter_input(records, read, wire_files, no_clean)):
        d = _clean_doc(item, no_clean, i)
        docs.append(_as_wire(d) if is_wire else d)
    if wires is None:
        return docs
    # a wire record also given as a corpus record (same id, same text) marks that record as
    # the wire rather than counting twice
    in_corpus = {d.id: d for d in docs}
    for i, (item, _) in enumerate(_iter_input(wires, read, as_given=no_clean)):
        d = _as_wire(_clean_doc(item, no_clean, len(docs) + i))
        twin = in_corpus.get(d.id)
        if twin is not None and twin.body == d.body and twin.error is None:
            if d.error:  # "given as a wire, but says rewrite": the record fails, not quietly
                twin.error = d.error
            else:
                twin.role = "wire"
            continue
        docs.append(d)
    return docs


def _as_wire(d: Doc) -> Doc:
    """A record given as a wire: its role is wire, unless it says otherwise (an error)."""
    if d.role == "rewrite" and not d.error:
        d.error = f"{d.id}: given as a wire but its record says role 'rewrite'"
    d.role = "wire"
    return d


# -- roles ---------------------------------------------------------------------------------------


def _assign_roles(docs: list[Doc], opts: Options) -> None:
    """Designated roles stay; undecided documents carrying an agency's marks are wire copies; of
    several copies of one story the original is kept as the wire, the others become rewrites."""
    for d in docs:
        if d.error:
            continue
        d.agency = detect_agency(d.credit_text or d.body)
        if d.role is None:
            d.role = "wire" if d.agency else "rewrite"
        else:
            d.designated = True
    wires = [d for d in docs if not d.error and d.role == "wire"]
    auto = [d for d in wires if not d.designated]
    if not auto:
        return
    index = WireIndex()
    for d in wires:
        index.add(d.id, d.body)
    index.build()
    by_id = {d.id: d for d in wires}
    parent = {d.id: d.id for d in wires}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in auto:
        for c in index.candidates(d.body, k=5, exclude=d.id):
            other = by_id[c.wire_id]
            if c.containment >= opts.copy_containment and (other.agency in (None, d.agency)):
                a, b = find(d.id), find(c.wire_id)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    clusters: dict[str, list[Doc]] = {}
    for d in wires:
        clusters.setdefault(find(d.id), []).append(d)
    for members in clusters.values():
        if len(members) < 2:
            continue
        keep = {d.id for d in members if d.designated} or {_original(members).id}
        for d in members:
            if d.id not in keep:
                d.role = "rewrite"
                d.meta.setdefault("wire_copy", True)


def _original(copies: list[Doc]) -> Doc:
    """Which copy of a wire story stands for the original: the agency's own site, then the
    earliest, then the longest, then the smallest id. "Earliest" compares instants when every
    dated copy gives a time of day, else days: a day alone cannot say which came first within
    it, and ordering it before or after the timed copies would be a guess."""
    by_time = all(d.published_at is not None for d in copies if d.published is not None)

    def rank(d: Doc) -> tuple:
        when = d.published_at if by_time else d.published
        own = is_agency_outlet(d.outlet, d.agency)
        return (0 if own else 1, when is None, when, -len(d.body), d.id)

    return min(copies, key=rank)


# -- matching one rewrite --------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    index: WireIndex
    wires: dict[str, Doc]
    stats: TermStats
    model: DeriveModel
    opts: Options


def _select_wires(doc: Doc, ctx: _Context) -> tuple[Alignment | None, float]:
    cands = [
        c
        for c in ctx.index.candidates(doc.body, k=ctx.opts.candidates, exclude=doc.id)
        if c.score >= ctx.opts.min_candidate
    ]
    if not cands:
        return None, 0.0
    best = cands[0].score
    cands = [c for c in cands if c.score >= 0.5 * best]
    texts = {c.wire_id: ctx.wires[c.wire_id].body for c in cands}
    al = align(doc.body, texts, idf=ctx.stats.idf)
    used = _words_by_wire(al, doc.body)
    keep = [c.wire_id for c in cands if used.get(c.wire_id, 0) >= ctx.opts.min_wire_words]
    if not keep:
        keep = [cands[0].wire_id]
    if len(keep) < len(texts):
        al = align(doc.body, {w: texts[w] for w in keep}, idf=ctx.stats.idf)
    cos = max(c.cosine for c in cands if c.wire_id in keep)
    return al, cos


def _words_by_wire(al: Alignment, body: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for sp in al.spans:
        if sp.wire_id is not None:
            out[sp.wire_id] = out.get(sp.wire_id, 0) + len(body[sp.start : sp.end].split())
    return out


def _report_rewrite(doc: Doc, ctx: _Context) -> dict:
    al, cos = _select_wires(doc, ctx)
    if al is None:
        al = align(doc.body, {}, idf=ctx.stats.idf)
    feats = features(al, cos)
    der = ctx.model.predict(feats)
    words = al.words  # word tokens of the body, as for wires: the base of every share
    if der.label == "non" or not al.aligned_sentences:
        spans = [Span(s, e, "new") for s, e in split_sentences(doc.body)]
        return _base(doc, "rewrite") | {
            "wire_ids": [],
            "derivation": "non",
            "derivation_score": round(der.score, 4),
            "credits_wire": None,
            "spans": [s.to_dict() for s in spans],
            "discrepancies": [],
            "scores": {
                "words": words,
                "wire_facts": 0,
                "wire_facts_carried": 0,
                "verbatim_share": 0.0,
                "rewrite_share": 0.0,
                "new_share": 1.0,
                "derivation_probs": _r(der.probs),
            },
        }
    wire_ids = al.wire_ids()
    agencies = sorted({ctx.wires[w].agency for w in wire_ids if ctx.wires[w].agency})
    credit = any(credits(doc.credit_text or doc.body, a) for a in agencies) if agencies else None
    discrepancies, n_facts, n_carried = _facts(doc, al, wire_ids, ctx)
    return _base(doc, "rewrite") | {
        "wire_ids": wire_ids,
        "agencies": agencies,
        "derivation": der.label,
        "derivation_score": round(der.score, 4),
        "credits_wire": credit,
        "spans": [s.to_dict() for s in al.spans],
        "discrepancies": discrepancies,
        "wire_sentences": [
            {"wire_id": w.wire_id, "start": w.start, "end": w.end, "status": w.status}
            for w in al.wire_sentences
        ],
        "scores": {
            "words": words,
            "wire_facts": n_facts,
            "wire_facts_carried": n_carried,
            "verbatim_share": round(al.share("verbatim"), 4),
            "rewrite_share": round(al.share("rewrite"), 4),
            "new_share": round(al.share("new"), 4),
            "wire_kept_share": round(al.wire_share("kept"), 4),
            "wire_paraphrased_share": round(al.wire_share("paraphrased"), 4),
            "wire_dropped_share": round(al.wire_share("dropped"), 4),
            "doc_cosine": round(cos, 4),
            "derivation_probs": _r(der.probs),
        },
    }


def _r(d: Mapping[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in d.items()}


def _facts(doc: Doc, al: Alignment, wire_ids: list[str], ctx: _Context) -> tuple[list, int, int]:
    """Discrepancies within aligned pairs, and how many wire facts the rewrite carried."""
    from cleaner.track import facts as facts_mod

    out: list[dict] = []
    n_facts = n_carried = 0
    for wid in wire_ids:
        wire = ctx.wires[wid]
        pairs = [(rs, re_, ws, we) for rs, re_, ws, we, w in al.pairs if w == wid]
        if not pairs:
            continue
        found = facts_mod.compare_article(
            doc.body, wire.body, pairs, rewrite_date=doc.published, wire_date=wire.published
        )
        for d in found:
            item = {
                "kind": d.kind,
                "rewrite_text": d.rewrite_text,
                "wire_text": d.wire_text,
                "detail": d.detail,
                "wire_id": wid,
            }
            for key in ("rewrite_start", "rewrite_end", "wire_start", "wire_end"):
                item[key] = getattr(d, key, None)
            out.append(item)
        f, c = _carried(doc.body, wire.body, facts_mod)
        n_facts += f
        n_carried += c
    return out, n_facts, n_carried


_WIRE_FACTS: dict[str, Any] = {}  # per process: a wire's facts, reused across its rewrites


def _carried(rewrite: str, wire: str, facts_mod: Any) -> tuple[int, int]:
    """Wire facts (numbers, quotes, names) and how many of them the rewrite carries: a number
    whose written digits reappear, a quote whose words mostly reappear, a name it mentions.
    Only the wire is parsed (and cached); the rewrite is checked by its words, which keeps this
    cheap at corpus scale."""
    wf = _WIRE_FACTS.get(wire)
    if wf is None:
        if len(_WIRE_FACTS) > 2048:
            _WIRE_FACTS.clear()
        wf = _WIRE_FACTS[wire] = facts_mod.extract_facts(wire)
    low = rewrite.lower()
    rtoks = set(tokens(rewrite))
    rwords = set(terms(rewrite))
    total = carried = 0
    for n in wf.numbers:
        digits = [t for t in tokens(n.text) if t[:1].isdigit()]
        total += 1
        carried += all(d in rtoks for d in digits) if digits else n.text.lower() in low
    for q in wf.quotes:
        qt = set(terms(q.text))
        if qt:
            total += 1
            carried += len(qt & rwords) >= 0.6 * len(qt)
    for name in sorted({e.text for e in wf.entities}):
        total += 1
        carried += name.lower() in low
    return total, carried


def _base(doc: Doc, role: str) -> dict:
    return {
        "id": doc.id,
        "outlet": doc.outlet,
        "role": role,
        "content_hash": hashlib.sha256(doc.body.encode("utf-8")).hexdigest(),
    }


def _report_wire(doc: Doc) -> dict:
    return _base(doc, "wire") | {
        "agency": doc.agency,
        "wire_ids": [],
        "derivation": None,
        "derivation_score": None,
        "credits_wire": None,
        "spans": [],
        "discrepancies": [],
        "scores": {"words": len(tokens(doc.body)), "wire_facts": 0, "wire_facts_carried": 0},
    }


# -- the whole run ---------------------------------------------------------------------------------

_WORKER: _Context | None = None
_WORKER_DOCS: list[Doc] = []


def _work_chunk(indices: list[int]) -> list[dict]:
    assert _WORKER is not None
    return [_safe_report(_WORKER_DOCS[i], _WORKER) for i in indices]


def _lost_report(doc: Doc) -> dict:
    return {
        "id": doc.id,
        "outlet": doc.outlet,
        "role": "rewrite",
        "error": f"{doc.id}: the worker process tracking it died (killed, out of memory, "
        "or a crash); the run went on without it",
    }


def _safe_report(doc: Doc, ctx: _Context) -> dict:
    try:
        return _report_rewrite(doc, ctx)
    except Exception as exc:  # one bad article never stops the batch
        return {
            "id": doc.id,
            "outlet": doc.outlet,
            "role": "rewrite",
            "error": f"{doc.id}: tracking failed ({type(exc).__name__}: {exc})",
        }


def iter_track(
    records: Iterable[Any] | str | os.PathLike,
    *,
    wires: Iterable[Any] | str | os.PathLike | None = None,
    no_clean: bool = False,
    model: DeriveModel | str | os.PathLike | None = None,
    options: Options | None = None,
    parallel: int = 1,
    with_body: bool = False,
) -> Iterator[dict]:
    """The reports of `track`, one at a time in input order (for streaming to a file). All
    records are read, cleaned and checked before the first report comes out. `with_body`: each
    tracked record's report carries `body`, the text its offsets refer to."""
    opts = options or Options()
    if isinstance(model, DeriveModel):
        mdl = model
    else:
        mdl = DeriveModel.load(model) if model is not None else default_model()
    docs = _read_docs(records, wires, no_clean)
    if not docs:
        raise TrackError("empty corpus: no records to track")
    seen: dict[str, int] = {}
    for d in docs:
        seen[d.id] = seen.get(d.id, 0) + 1
    dups = sorted(k for k, n in seen.items() if n > 1)
    if dups:
        more = f" (and {len(dups) - 1} more)" if len(dups) > 1 else ""
        raise TrackError(f"duplicate record id {dups[0]!r}{more}; ids must be unique")
    if all(d.error for d in docs):
        raise TrackError(f"no usable records: {docs[0].error}")

    _assign_roles(docs, opts)
    stats = TermStats()
    index = WireIndex()
    wire_docs: dict[str, Doc] = {}
    for d in docs:
        if d.error:
            continue
        stats.add(terms(d.body))
        if d.role == "wire":
            index.add(d.id, d.body)
            wire_docs[d.id] = d
    index.build()
    ctx = _Context(index, wire_docs, stats, mdl, opts)

    todo = [i for i, d in enumerate(docs) if not d.error and d.role == "rewrite"]
    if parallel > 1 and len(todo) > 50:
        results = _run_parallel(docs, todo, ctx, parallel)
    else:
        results = (_safe_report(docs[i], ctx) for i in todo)
    for d in docs:
        if d.error:
            yield {"id": d.id, "outlet": d.outlet, "error": d.error}
            continue
        report = _report_wire(d) if d.role == "wire" else next(results)
        if with_body and "error" not in report:
            report["body"] = d.body
        yield report


def track(
    records: Iterable[Any] | str | os.PathLike,
    *,
    wires: Iterable[Any] | str | os.PathLike | None = None,
    no_clean: bool = False,
    store: str | os.PathLike | None = None,
    model: DeriveModel | str | os.PathLike | None = None,
    options: Options | None = None,
    parallel: int = 1,
    run_id: str | None = None,
    with_body: bool = False,
) -> list[dict]:
    """Track a corpus against its wire stories; one report dict per record, in input order.

    `records`: paths (files, folders, JSONL) or Record objects / dicts; `wires`: the same, all
    designated wire originals. `no_clean`: the text is already the article body (offsets refer to
    it as given). `with_body`: each report carries `body`, the (cleaned) text its offsets refer
    to. `store`: a profile store to add the reports to (all at once, at the end).
    Raises TrackError for an empty corpus or duplicate ids (before anything is written) and
    StoreError for store problems. A record that cannot be read or cleaned gets a report with
    `"error"` and the rest go on."""
    reports = list(
        iter_track(
            records,
            wires=wires,
            no_clean=no_clean,
            model=model,
            options=options,
            parallel=parallel,
            with_body=with_body,
        )
    )
    if store is not None:
        from cleaner.track.profiles import Profiles

        with Profiles(store) as prof:
            prof.add([r for r in reports if "error" not in r], run_id=run_id)
    return reports


def _run_parallel(docs: list[Doc], todo: list[int], ctx: _Context, n: int) -> Iterator[dict]:
    """Fork workers that share the index copy-on-write; results come back in input order. A
    worker that dies costs the article it was tracking (an error report), not the run."""
    from cleaner.workers import fork_context, run_in_order

    context = fork_context()
    if context is None:  # the workers read the index from the parent's memory
        raise RuntimeError("cleaner track --parallel needs the fork start method (Linux, macOS)")
    global _WORKER, _WORKER_DOCS
    _WORKER, _WORKER_DOCS = ctx, docs
    size = max(1, min(64, len(todo) // (8 * n)))
    chunks = (todo[k : k + size] for k in range(0, len(todo), size))
    try:
        yield from run_in_order(
            chunks,
            _work_chunk,
            lambda i: _lost_report(docs[i]),
            processes=n,
            window=4 * n,
            context=context,
        )
    finally:
        _WORKER, _WORKER_DOCS = None, []
