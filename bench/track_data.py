"""Synthetic wire/rewrite data made at run time from real text (never committed).

Two uses:
- `derive_examples()`: labelled (rewrite, {wire_id: wire}, label) examples for the derivation
  model, built from real agency copy (Helsinki articles carrying Reuters/AP/AFP/Bloomberg marks,
  and seed 001) with controlled rewrite recipes;
- `scale_corpus()`: 10,000 wire stories recombined from real sentences and up to 100,000 rewrites
  of them with controlled edits, for the scale benchmark.

Run `python bench/track_data.py train-derive` to (re)make models/derive/derive.json.
All randomness comes from seeded `random.Random` instances: same inputs, same data.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
HELSINKI = SHARED / "reuse" / "helsinki-syndication-2018" / "helsinki_articles.csv"
SEEDS = SHARED / "seeds"
sys.path.insert(0, str(ROOT))

from cleaner.track.align import split_sentences  # noqa: E402
from cleaner.track.wire import detect_agency  # noqa: E402

# Synonym swaps for paraphrase (both directions are used).
SYNONYMS = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "meeting": "talks",
    "summit": "meeting",
    "president": "leader",
    "agreement": "deal",
    "deal": "accord",
    "signed": "inked",
    "announced": "unveiled",
    "country": "nation",
    "countries": "nations",
    "government": "administration",
    "officials": "authorities",
    "major": "key",
    "increase": "rise",
    "increased": "rose",
    "big": "large",
    "biggest": "largest",
    "help": "assist",
    "plan": "proposal",
    "talks": "discussions",
    "warned": "cautioned",
    "criticized": "slammed",
    "strong": "robust",
    "important": "significant",
    "expected": "anticipated",
    "began": "started",
    "start": "begin",
    "ended": "concluded",
    "buy": "purchase",
    "sell": "offer",
    "show": "demonstrate",
    "showed": "revealed",
    "week": "seven days",
    "top": "leading",
    "key": "crucial",
    "election": "vote",
    "attack": "assault",
    "investigation": "probe",
    "accused": "charged",
    "asked": "questioned",
    "called": "urged",
    "added": "continued",
    "statement": "release",
    "move": "step",
    "concerns": "worries",
    "fears": "concerns",
    "tried": "attempted",
    "wanted": "sought",
}
HEDGES = [
    r"\bup to ",
    r"\babout ",
    r"\bnearly ",
    r"\baround ",
    r"\bapproximately ",
    r"\broughly ",
    r"\bmore than ",
    r"\bat least ",
]


def paragraphs(text: str) -> str:
    """Helsinki rows join paragraphs with ' ### '."""
    return "\n".join(p.strip() for p in text.split(" ### ") if p.strip())


def read_helsinki(path: Path = HELSINKI) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [
            {
                "id": f"h{row['id']}",
                "outlet": row["publisher"],
                "published": row["scrape_time"],
                "text": paragraphs(row["text"] or ""),
            }
            for row in csv.DictReader(fh)
        ]


def read_seeds(path: Path = SEEDS) -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(path.glob("*.txt"))}


def sentences(text: str, min_words: int = 6, max_words: int = 70) -> list[str]:
    """Sentences that look like article prose (not menus, captions or teasers)."""
    out = []
    for s, e in split_sentences(text):
        sent = text[s:e]
        n = len(sent.split())
        if min_words <= n <= max_words and sent[-1:] in '."”’' and not sent.endswith("..."):
            out.append(sent)
    return out


# -- edits ----------------------------------------------------------------------------------------


def paraphrase(sent: str, rng: random.Random, rate: float = 0.5) -> str:
    """Synonym swaps, a moved attribution and a dropped clause: a rewrite without long runs."""
    words = sent.split(" ")
    for i, w in enumerate(words):
        core = w.strip(".,;:\"'“”’").lower()
        if core in SYNONYMS and rng.random() < rate:
            words[i] = w.replace(core, SYNONYMS[core]) if w.islower() else w
    out = " ".join(words)
    m = re.match(r"^(.{20,}), ([A-Z][\w .'-]{2,40}) (said|says|stated)\.$", out)
    if m and rng.random() < 0.7:
        out = f"{m.group(2)} {m.group(3)} {m.group(1)[0].lower()}{m.group(1)[1:]}."
    parts = out.split(", ")
    if len(parts) > 2 and rng.random() < 0.5:
        del parts[rng.randrange(1, len(parts))]
        out = ", ".join(parts)
        if not out.endswith("."):
            out += "."
    return out


FILLERS = ["also", "now", "reportedly", "further", "meanwhile", "notably", "separately", "still"]
_STOP = frozenset(
    "a an the of to in on at for by with and or but that which is was are were be "
    "has have had it its this as from".split()
)


def reword(sent: str, rng: random.Random, keep: float = 0.75, pool: list[str] | None = None) -> str:
    """A heavy paraphrase: synonyms, dropped function and content words, fillers, rotated clauses
    and a fragment of another sentence; shared word runs rarely reach six words, as in 000/002."""
    out = []
    for w in sent.split(" "):
        core = w.strip(".,;:\"'“”’").lower()
        if core in _STOP:
            if rng.random() < 0.4:
                continue
        elif core in SYNONYMS and rng.random() < 0.7:
            w = w.replace(core, SYNONYMS[core]) if w.islower() else w
        elif rng.random() > keep:
            continue
        out.append(w)
        if rng.random() < 0.12:
            out.append(rng.choice(FILLERS))
    if pool and rng.random() < 0.6:  # a clause of the rewriter's own
        other = rng.choice(pool).rstrip(".").split(" ")
        i = rng.randrange(max(1, len(other) - 6))
        out += [","] + other[i : i + rng.randint(4, 9)]
    text = " ".join(out).replace(" ,", ",").rstrip(".")
    parts = text.split(", ")
    if len(parts) > 1 and rng.random() < 0.6:
        k = rng.randrange(1, len(parts))
        parts = parts[k:] + parts[:k]
        text = ", ".join(parts)
    return text[:1].upper() + text[1:] + "."


def change_number(sent: str, rng: random.Random) -> str:
    nums = list(re.finditer(r"\b\d+(?:\.\d+)?\b", sent))
    if not nums:
        return sent
    m = rng.choice(nums)
    v = m.group()
    new = str(int(float(v)) + rng.choice([1, 2, 3, 5, 10])) if "." not in v else v + "5"
    return sent[: m.start()] + new + sent[m.end() :]


def drop_hedge(sent: str, rng: random.Random) -> str:
    for pat in rng.sample(HEDGES, len(HEDGES)):
        if re.search(pat, sent):
            return re.sub(pat, "", sent, count=1)
    return sent


def light_edit(sent: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return paraphrase(sent, rng, rate=0.25)
    if r < 0.7:
        return change_number(sent, rng)
    return drop_hedge(sent, rng)


# -- derivation examples ---------------------------------------------------------------------


def agency_wires(rows: list[dict], seeds: dict[str, str]) -> list[tuple[str, str]]:
    """Real agency copy: Helsinki articles with agency marks (one per distinct opening) and 001."""
    out, seen = [], set()
    for r in rows:
        if detect_agency(r["text"]) and len(sentences(r["text"])) >= 8:
            key = " ".join(sentences(r["text"])[:2])[:200]
            if key not in seen:
                seen.add(key)
                out.append((r["id"], "\n".join(sentences(r["text"]))))
    if "001" in seeds:
        out.append(("seed001", "\n".join(sentences(seeds["001"]))))
    return out


def derive_examples(seed: int = 13, per_wire: int = 8) -> list[tuple[str, dict, str]]:
    """(rewrite, {wire_id: wire_text}, label) with labels from the recipe that made them:
    wholly = cuts and light edits of one wire (<= 10 % of sentences new);
    partially = the wire substantially rewritten (>= 60 % of kept sentences paraphrased),
      mixed with 25-65 % material from other sources, or a few reworded wire sentences
      (10-35 % of the wire) inside mostly other material;
    non = another article on the same event, sharing no sentence with the wire."""
    rng = random.Random(seed)
    rows = read_helsinki() if HELSINKI.exists() else []
    seeds = read_seeds() if SEEDS.exists() else {}
    wires = agency_wires(rows, seeds)
    pool = [s for r in rows for s in sentences(r["text"])]
    junk = sorted(
        {
            ln
            for r in rows
            for ln in r["text"].split("\n")
            if ln.strip() and len(ln.split()) < 12 and ln not in " ".join(pool[:0])
        }
    )
    others = [r for r in rows if not detect_agency(r["text"]) and len(sentences(r["text"])) >= 6]
    out: list[tuple[str, dict, str]] = []
    for wid, wtext in wires:
        ws = sentences(wtext)
        wset = set(ws)
        for k in range(per_wire):
            kind = ("wholly", "partially", "partially", "non", "wholly", "non", "partially", "non")[
                k % 8
            ]
            if kind == "wholly":
                keep = ws[: max(3, int(len(ws) * rng.uniform(0.4, 1.0)))]
                if rng.random() < 0.5:
                    keep = [s for s in keep if rng.random() > 0.15] or keep[:3]
                body = [light_edit(s, rng) if rng.random() < 0.2 else s for s in keep]
                if rng.random() < 0.3:
                    body.insert(rng.randrange(len(body) + 1), rng.choice(pool))
            elif kind == "partially" and k % 8 == 6:  # loose: a few wire facts, mostly new
                keep = rng.sample(ws, max(3, int(len(ws) * rng.uniform(0.1, 0.35))))
                body = [reword(s, rng, 0.45, pool) for s in keep]
                for s in rng.sample(pool, int(len(body) * rng.uniform(1.0, 2.5))):
                    body.insert(rng.randrange(len(body) + 1), s)
            elif kind == "partially":
                keep = [s for s in ws if rng.random() < rng.uniform(0.3, 0.8)] or ws[:3]
                if k % 2:
                    body = [reword(s, rng, 0.55, pool) if rng.random() < 0.8 else s for s in keep]
                    body += rng.sample(pool, max(1, len(body) // 6))
                else:
                    body = [reword(s, rng) if rng.random() < 0.4 else s for s in keep]
                    extra = int(len(body) * rng.uniform(0.4, 1.8))
                    for s in rng.sample(pool, extra):
                        body.insert(rng.randrange(len(body) + 1), s)
            else:
                cands = [
                    r
                    for r in rng.sample(others, min(20, len(others)))
                    if not (set(sentences(r["text"])) & wset)
                ]
                if not cands:
                    continue
                body = sentences(cands[0]["text"])[: rng.randint(6, 25)]
            if rng.random() < 0.5:  # page furniture a cleaner may leave: menus, teasers
                for line in rng.sample(junk, min(len(junk), rng.randint(2, 15))):
                    body.insert(rng.randrange(len(body) + 1), line)
            out.append(("\n".join(body), {wid: wtext}, kind))
    return out


# -- scale corpus ---------------------------------------------------------------------------------


def scale_corpus(n_wires: int, n_rewrites: int, seed: int = 7) -> Iterator[dict]:
    """Yield wire records then rewrite records (JSONL-shaped dicts with role and `truth`).

    Wires: 10-25 real sentences drawn from the pool, numbers re-drawn, so stories are distinct
    but share the vocabulary of one news event (a hard case for the index). Rewrites: one of
    copy / cut / light edits / paraphrase / mix of two wires / wire plus other material /
    unrelated (truth: no wire)."""
    rng = random.Random(seed)
    rows = read_helsinki() if HELSINKI.exists() else []
    seeds = read_seeds() if SEEDS.exists() else {}
    pool = sorted(
        {s for r in rows for s in sentences(r["text"])}
        | {s for t in seeds.values() for s in sentences(t)}
    )
    if len(pool) < 100:
        raise SystemExit("scale_corpus needs ../shared (helsinki + seeds) for real sentences")
    # Wires draw from 80 % of the sentences; "other material" and unrelated articles from the
    # rest, so that an unrelated article really shares no sentence with any wire. Helsinki holds
    # many near-copies of one sentence (one AP line in twenty outlets, lightly edited), so the
    # split is by groups of near-copies (same first five words, same last three), not by string.
    groups: dict[tuple[str, ...], list[str]] = {}
    for s in pool:
        ws = re.findall(r"\w+", s.lower())
        groups.setdefault(tuple(ws[:5]), []).append(s)
    keys = sorted(groups)
    rng.shuffle(keys)
    cut = int(len(keys) * 0.8)
    pool = [s for k in keys[:cut] for s in groups[k]]
    fresh = [s for k in keys[cut:] for s in groups[k]]
    tails = {tuple(re.findall(r"\w+", s.lower())[-3:]) for s in pool}
    fresh = [s for s in fresh if tuple(re.findall(r"\w+", s.lower())[-3:]) not in tails]
    wires: list[list[str]] = []
    for i in range(n_wires):
        ws = [
            re.sub(r"\b\d+\b", lambda m: str(rng.randint(2, 999)), s)
            for s in rng.sample(pool, rng.randint(10, 25))
        ]
        wires.append(ws)
        yield {"id": f"w{i:05d}", "role": "wire", "outlet": "wire", "text": "\n".join(ws)}
    recipes = ["copy", "cut", "light", "paraphrase", "mix", "partial", "unrelated"]
    weights = [0.15, 0.2, 0.2, 0.15, 0.1, 0.1, 0.1]
    for i in range(n_rewrites):
        recipe = rng.choices(recipes, weights)[0]
        w = rng.randrange(n_wires)
        ws = wires[w]
        truth = [f"w{w:05d}"]
        if recipe == "copy":
            body = list(ws)
        elif recipe == "cut":
            body = ws[: rng.randint(4, len(ws))]
        elif recipe == "light":
            body = [light_edit(s, rng) if rng.random() < 0.4 else s for s in ws]
            if rng.random() < 0.5 and len(body) > 4:
                j = rng.randrange(len(body) - 1)
                body[j], body[j + 1] = body[j + 1], body[j]
        elif recipe == "paraphrase":
            body = [reword(s, rng) for s in ws if rng.random() < 0.8]
        elif recipe == "mix":
            w2 = rng.randrange(n_wires)
            truth.append(f"w{w2:05d}")
            body = ws[: len(ws) // 2] + wires[w2][: len(wires[w2]) // 2]
        elif recipe == "partial":
            body = [s for s in ws if rng.random() < 0.6] + rng.sample(fresh, rng.randint(3, 10))
        else:
            body = rng.sample(fresh, rng.randint(6, 20))
            truth = []
        yield {
            "id": f"r{i:06d}",
            "role": "rewrite",
            "outlet": f"outlet{i % 50:02d}",
            "text": "\n".join(body),
            "truth": truth,
            "recipe": recipe,
        }


def train_default(out: Path) -> None:
    """Train the shipped derivation model on `derive_examples()` and write weights + sha256."""
    from cleaner.track.derive import train

    ex = derive_examples()
    if not ex:
        raise SystemExit("no examples: ../shared (helsinki + seeds) is needed")
    model = train(ex)
    counts = {c: sum(1 for *_, lab in ex if lab == c) for c in ("non", "partially", "wholly")}
    sha = model.save(
        out,
        trained_on="synthetic rewrites of real agency copy: ../shared/reuse/"
        "helsinki-syndication-2018 articles with agency marks + seed 001; recipes in "
        "bench/track_data.py:derive_examples (seed 13)",
        class_counts=counts,
    )
    print(f"wrote {out} sha256={sha} examples={len(ex)} {counts}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train-derive", help="retrain models/derive/derive.json")
    t.add_argument("--out", default=str(ROOT / "models" / "derive" / "derive.json"))
    args = ap.parse_args(argv)
    if args.cmd == "train-derive":
        train_default(Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
