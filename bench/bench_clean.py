"""Cleaner vs. common extractors on the held-out pages of ../shared/corpora: body P/R/F1 and
pages per second per core, on the text scrape and on the HTML of the same pages.

    python bench/bench_clean.py [--corpus dragnet l3s-gn1] [--input text html]
        [--tools cleaner cleaner-site trafilatura justext boilerpy3 readability] [--limit N]
        [--model PATH] [--oracle] [--out FILE.md]

Only our site-grouped `test` split is read (no training run touches it). Every tool gets the
same decoded page; third-party extractors need HTML, so on text input they get the scrape
wrapped as minimal HTML (one escaped <p> a line), which is what a user holding only a text
scrape could do. Timing covers the extraction call (plus turning its result into plain text)
in this one process, after one untimed warm-up call a tool; file reading, wrapping and scoring
are outside it. Nothing read from ../shared is written anywhere but the output table.

`cleaner-site` is the cleaner with its optional site-boilerplate pass (`--site-boilerplate`):
the held-out pages of one corpus and input are one batch, each page's site is its URL's host,
and the first pass over the batch (splitting every page into lines and counting them per site)
is timed and added to the row's extraction time.
"""

from __future__ import annotations

import argparse
import html
import importlib.metadata
import os
import platform
import shlex
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

# "Per core" means one thread: numpy's BLAS would otherwise spread the cleaner's matrix products
# over every CPU (and, on a shared machine, fight other processes for them). Set before numpy
# is imported; an explicit setting in the environment wins and is reported in the header.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
for _var in THREAD_VARS:
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cleaner.evaluate import Score, mean_scores, predicted_text, token_prf  # noqa: E402
from cleaner.text import words  # noqa: E402

CORPORA = ("dragnet", "l3s-gn1")
INPUTS = ("text", "html")
TOOLS = ("cleaner", "cleaner-site", "trafilatura", "justext", "boilerpy3", "readability")
CLEANER_TOOLS = frozenset({"cleaner", "cleaner-site"})
# PyPI distributions whose versions the header reports, per tool.
DISTRIBUTIONS = {
    "cleaner": ("cleaner",),
    "cleaner-site": (),
    "trafilatura": ("trafilatura",),
    "justext": ("jusText",),
    "boilerpy3": ("boilerpy3",),
    "readability": ("readability-lxml", "lxml_html_clean"),
}
# Issue 2 targets for the cleaner on held-out pages, per input kind.
F1_TARGET = {"text": 0.95, "html": 0.97}
SPEED_TARGET = {"text": 500.0, "html": 250.0}

Extractor = Callable[[str], str]
"""Page content (text scrape or HTML, already decoded) → the tool's article text."""


@dataclass(frozen=True, slots=True)
class BenchPage:
    id: str
    content: str  # what the tool is given: HTML, or the text scrape (wrapped for HTML tools)
    gold: str
    site: str = ""  # the page's site (its URL's host), for the site-boilerplate pass


@dataclass(slots=True)
class ToolRun:
    """One tool on one corpus × input: mean per-page scores and extraction time."""

    tool: str
    pages: int
    score: Score
    empty: int  # pages where the tool returned no words (scored 0)
    errors: int  # pages where the tool raised (scored 0)
    seconds: float | None  # summed extraction wall time; None when not timed (oracle)
    cpu_seconds: float | None = None  # the same calls' process CPU time (all threads)
    first_error: str | None = None
    pass_seconds: list[float] = field(default_factory=list)  # every timed pass's wall time

    @property
    def pages_per_second(self) -> float | None:
        if self.seconds is None or self.seconds <= 0:
            return None
        return self.pages / self.seconds

    @property
    def pages_per_cpu_second(self) -> float | None:
        """Pages per CPU-second: less sensitive than wall time to other load on the machine."""
        if self.cpu_seconds is None or self.cpu_seconds <= 0:
            return None
        return self.pages / self.cpu_seconds


@dataclass(slots=True)
class Section:
    corpus: str
    kind: str
    convention: str
    runs: list[ToolRun] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- scoring ------------------------------------------------------------------------------------


def score_tool(name: str, extract: Extractor, pages: Sequence[BenchPage]) -> ToolRun:
    """Run `extract` on every page, timing only the call; an exception scores the page 0 and is
    counted, so one bad page never stops the benchmark."""
    scores: list[Score] = []
    seconds = cpu_seconds = 0.0
    errors = empty = 0
    first_error: str | None = None
    for page in pages:
        output, exc, wall, cpu = _timed_call(extract, page)
        seconds += wall
        cpu_seconds += cpu
        if exc is not None:
            errors += 1
            if first_error is None:
                first_error = f"{page.id}: {type(exc).__name__}: {(str(exc) or repr(exc))[:120]}"
            scores.append(Score(0.0, 0.0, 0.0))
            continue
        if not words(output or ""):
            empty += 1
        scores.append(token_prf(output or "", page.gold))
    return ToolRun(
        name, len(pages), mean_scores(scores), empty, errors, seconds, cpu_seconds, first_error
    )


def _timed_call(
    extract: Extractor, page: BenchPage
) -> tuple[str | None, Exception | None, float, float]:
    """(output, the exception it raised or None, wall seconds, CPU seconds) of one call; a
    batch-aware tool is given the page."""
    per_page = getattr(extract, "clean_page", None)
    start, cpu_start = time.perf_counter(), time.process_time()
    output = exc = None
    try:
        output = per_page(page) if per_page is not None else extract(page.content)
    except Exception as error:  # noqa: BLE001 - third-party code; counted by the caller
        exc = error
    return output, exc, time.perf_counter() - start, time.process_time() - cpu_start


# --- tools --------------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table blockquote pre section article "
    "header footer figure figcaption dd dt dl".split()
)


def text_as_html(text: str) -> str:
    """A text scrape as the minimal HTML page a user could hand to an HTML extractor."""
    paras = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'></head><body>\n{paras}\n</body></html>"
    )


def fragment_text(markup: str) -> str:
    """Visible text of an HTML fragment with a newline at block boundaries, so words of
    adjacent paragraphs are not glued together (lxml's text_content() would glue them)."""
    import lxml.html

    if not markup or not markup.strip():
        return ""
    root = lxml.html.fromstring(markup)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
    return root.text_content()


def make_cleaner(kind: str, convention: str, model_path: str | None) -> Extractor:
    from cleaner.clean import clean
    from cleaner.model import load_model

    model = load_model(model_path)  # loaded (and cached) here, outside any timing

    def extract(content: str) -> str:
        return predicted_text(clean(content, kind=kind, model=model), convention)

    return extract


class SiteBatchCleaner:
    """The cleaner with the site-boilerplate pass, as `clean_many(..., site_boilerplate=True)`
    runs it: `prepare` is the first pass over the batch (cleaner.sitebatch.site_pass; the caller
    times it), then each call cleans one page with its site's recurring lines, labelling the
    page the first pass read when it kept one (HTML). A kept page is labelled once: every
    timed pass over the batch runs `prepare` again."""

    def __init__(self, kind: str, convention: str, model_path: str | None) -> None:
        from cleaner.model import load_model

        self.kind, self.convention = kind, convention
        self.model = load_model(model_path)
        self.prepared: dict[str, tuple] = {}  # page id -> (record, site lines, page or None)

    def prepare(self, pages: Sequence[BenchPage]) -> None:
        from cleaner.sitebatch import site_pass
        from cleaner.sources import Record

        records = [Record(p.id, meta={"site": p.site}, **{self.kind: p.content}) for p in pages]
        self.prepared = {work[0].id: work for work in site_pass(records)}

    def clean_page(self, page: BenchPage) -> str:
        from cleaner.batch import clean_one

        record, site_lines, read = self.prepared.pop(page.id)
        return predicted_text(clean_one(record, self.model, site_lines, read), self.convention)

    def __call__(self, content: str) -> str:
        from cleaner.clean import clean

        return predicted_text(clean(content, kind=self.kind, model=self.model), self.convention)


def kernel_info() -> str:
    """Whether the cleaner rows ran its compiled kernels or the pure-Python path (same output,
    different speed), so a speed figure is never read without knowing which ran."""
    from cleaner.speedups import PURE_PYTHON_ENV, status

    states = ", ".join(f"{k} {'compiled' if on else 'pure Python'}" for k, on in status().items())
    return f"{states} (set {PURE_PYTHON_ENV}=1 to time the pure-Python path)"


def describe_model(model_path: str | None) -> str:
    """Which model the cleaner rows come from. Loading it here also fixes it for the whole run
    (load_model caches per folder), so a model rewritten mid-run cannot mix into the table."""
    from cleaner.model import DEFAULT_MODEL_DIR, load_model

    folder = model_path or os.environ.get("CLEANER_MODEL") or DEFAULT_MODEL_DIR
    try:
        model = load_model(model_path)
    except Exception as exc:  # noqa: BLE001 - reported; the cleaner rows will be skipped
        return f"{folder} (could not load: {exc})"
    sha = str(model.card.get("weights_sha256", "?"))[:12]
    shown = Path(folder).resolve()
    if shown.is_relative_to(ROOT):
        shown = shown.relative_to(ROOT)
    return f"`{shown}`, weights sha256 {sha}…, networks {', '.join(sorted(model.networks))}"


def model_notes(kind: str, model_path: str | None) -> list[str]:
    """Say so when the model has no networks for this input kind (the text ones stand in)."""
    from cleaner.model import load_model

    model = load_model(model_path)
    if model.has(kind):
        return []
    return [f"cleaner: this model has no {kind} networks; its text networks were used"]


def make_trafilatura() -> Extractor:
    import trafilatura

    def extract(content: str) -> str:
        return trafilatura.extract(content, include_comments=False) or ""

    return extract


def make_justext() -> Extractor:
    import justext

    stoplist = justext.get_stoplist("English")

    def extract(content: str) -> str:
        paragraphs = justext.justext(content, stoplist)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return extract


def make_boilerpy3() -> Extractor:
    from boilerpy3 import extractors

    extractor = extractors.ArticleExtractor()

    def extract(content: str) -> str:
        return extractor.get_content(content) or ""

    return extract


def make_readability() -> Extractor:
    from readability import Document

    def extract(content: str) -> str:
        return fragment_text(Document(content).summary())

    return extract


THIRD_PARTY: dict[str, Callable[[], Extractor]] = {
    "trafilatura": make_trafilatura,
    "justext": make_justext,
    "boilerpy3": make_boilerpy3,
    "readability": make_readability,
}


# --- pages --------------------------------------------------------------------------------------


def load_pages(corpus: str, kind: str, limit: int | None, shared: Path | None) -> list[BenchPage]:
    """Held-out pages in id order; the raw content (wrapping for HTML tools happens later)."""
    from cleaner.corpora import iter_pages

    pages = sorted(iter_pages(corpus, "test", shared), key=lambda p: p.id)
    if limit is not None:
        pages = pages[:limit]
    out = []
    for page in pages:
        path = page.html_path if kind == "html" else page.text_path
        content = path.read_text(encoding="utf-8", errors="replace")
        out.append(BenchPage(page.id, content, page.gold(), page.site))
    return out


def oracle_run(pages: Sequence[BenchPage], kind: str) -> ToolRun:
    """The best any line selector could do: keep exactly the lines that carry gold text."""
    from cleaner.corpora import gold_line_mask
    from cleaner.lines import to_page

    selected = []
    for page in pages:
        lines = to_page(page.content, kind).lines
        mask = gold_line_mask(lines, page.gold)
        kept = "\n".join(ln.text for ln, keep in zip(lines, mask, strict=True) if keep)
        selected.append(BenchPage(page.id, kept, page.gold))
    run = score_tool("oracle (gold lines)", lambda text: text, selected)
    run.seconds = run.cpu_seconds = None  # not a tool: no speed to report
    return run


# --- report -------------------------------------------------------------------------------------


def tool_versions(tools: Iterable[str]) -> str:
    parts = []
    for tool in tools:
        for dist in DISTRIBUTIONS.get(tool, ()):
            try:
                parts.append(f"{dist} {importlib.metadata.version(dist)}")
            except importlib.metadata.PackageNotFoundError:
                parts.append(f"{dist} (not installed)")
    return ", ".join(parts)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def threads_setting() -> str:
    return ", ".join(f"{var}={os.environ.get(var)}" for var in THREAD_VARS)


def usable_cpus() -> int:
    """What `nproc` prints: the CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def _mark(ok: bool) -> str:
    return "met" if ok else "NOT met"


def format_section(section: Section) -> list[str]:
    out = [
        f"### {section.corpus} · {section.kind} input "
        f"({section.runs[0].pages if section.runs else 0} held-out pages, "
        f"gold convention: {section.convention})",
        "",
        "| tool | pages | precision | recall | F1 | empty | errors | extraction s "
        "| pages/s/core | pages/CPU-s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in section.runs:
        out.append(
            f"| {run.tool} | {run.pages} | {run.score.precision:.3f} | {run.score.recall:.3f} "
            f"| {run.score.f1:.3f} | {run.empty} | {run.errors} | {_fmt(run.seconds, '.2f')} "
            f"| {_fmt(run.pages_per_second, '.0f')} | {_fmt(run.pages_per_cpu_second, '.0f')} |"
        )
    out.append("")
    for run in section.runs:
        if run.tool == "cleaner":  # the headline row: one page at a time, no batch knowledge
            f1_ok = run.score.f1 >= F1_TARGET[section.kind]
            pps = run.pages_per_second or 0.0
            speed_ok = pps >= SPEED_TARGET[section.kind]
            out.append(
                f"Targets (cleaner, {section.kind}): F1 {run.score.f1:.3f} ≥ "
                f"{F1_TARGET[section.kind]:.2f}: **{_mark(f1_ok)}**; {pps:.0f} pages/s/core ≥ "
                f"{SPEED_TARGET[section.kind]:.0f}: **{_mark(speed_ok)}**."
            )
    for run in section.runs:
        if run.first_error:
            out.append(f"- {run.tool}: {run.errors} error(s); first: `{run.first_error}`")
    timed = [run for run in section.runs if len(run.pass_seconds) > 1]
    if timed:
        passes = "; ".join(
            f"{run.tool} " + " / ".join(f"{run.pages / s:.0f}" for s in run.pass_seconds if s > 0)
            for run in timed
        )
        out.append(f"- Timed passes, pages/s/core in order (the median is shown): {passes}")
    out.extend(f"- {note}" for note in section.notes)
    out.append("")
    return out


def format_header(
    args: argparse.Namespace, argv: Sequence[str], counts: dict[str, int], model_info: str
) -> list[str]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    from cleaner.corpora import GOLD_CONVENTION

    conventions = ", ".join(
        f"{c} = {GOLD_CONVENTION.get(c, '?')} ({n} held-out pages)" for c, n in counts.items()
    )
    return [
        "## Cleaning benchmark: held-out pages, text scrape and HTML",
        "",
        f"- Date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {usable_cpus()} CPU(s) (nproc), {cpu_model()}"
        + (f", load average at start {load[0]:.2f}" if load else ""),
        f"- Python {platform.python_version()} ({platform.system()}); {tool_versions(args.tools)}",
        f"- Command: `{shlex.join(['python', 'bench/bench_clean.py', *argv])}`",
        f"- Model: {model_info}",
        f"- Cleaner kernels: {kernel_info()}",
        f"- Corpora: {conventions}. Split: our site-grouped `test` split only.",
        "- Gold conventions: `body` = article body only (cleaner output: `Article.body`); "
        "`article` = headline, dates, captions and body (cleaner output: every non-boilerplate "
        "line). Other tools' output is scored as-is (it includes a headline where the tool keeps "
        "one).",
        "- Metric: bag-of-words precision / recall / F1 over word tokens against the gold text, "
        "per page, then averaged over pages; a page with no output or an exception scores 0.",
        "- Speed: pages/s/core = pages ÷ summed wall time of the extraction calls in one process "
        f"(one core; BLAS threads: {threads_setting()}), after one untimed warm-up call a tool; "
        "file reading, text wrapping and scoring excluded"
        + (
            f"; {args.repeat} timed passes over the pages a tool, the median pass shown (the "
            "first pass is the one scored; every pass is listed under its table)"
            if args.repeat > 1
            else ""
        )
        + ". pages/CPU-s = the same pages ÷ the calls' process CPU time, a cross-check less "
        "affected by other load on the machine.",
        "- Text input for trafilatura, jusText, boilerpy3 and readability: the scrape wrapped as "
        "minimal HTML, one escaped `<p>` a line (what a user with only a text scrape could do).",
        "",
    ]


# --- main ---------------------------------------------------------------------------------------


def build_extractors(
    tools: Sequence[str], kind: str, convention: str, model_path: str | None
) -> tuple[list[tuple[str, Extractor]], list[str]]:
    """(name, extractor) for each tool that can run, and a note for each that cannot."""
    built: list[tuple[str, Extractor]] = []
    notes: list[str] = []
    for tool in tools:
        try:
            if tool == "cleaner":
                extract = make_cleaner(kind, convention, model_path)
                notes.extend(model_notes(kind, model_path))
            elif tool == "cleaner-site":
                extract = SiteBatchCleaner(kind, convention, model_path)
            else:
                extract = THIRD_PARTY[tool]()
        except ImportError as exc:
            notes.append(f'{tool} skipped: not installed ({exc}); `pip install -e ".[bench]"`')
            continue
        except Exception as exc:  # noqa: BLE001 - e.g. a missing model: report, run the rest
            notes.append(f"{tool} skipped: {type(exc).__name__}: {exc}")
            continue
        built.append((tool, extract))
    return built, notes


def _prepare(extract: Extractor, pages: Sequence[BenchPage]) -> tuple[float, float]:
    """The site-boilerplate cleaner's first pass over the batch, timed (wall, CPU); 0 for the
    others."""
    if not isinstance(extract, SiteBatchCleaner):
        return 0.0, 0.0
    start, cpu_start = time.perf_counter(), time.process_time()
    extract.prepare(pages)
    return time.perf_counter() - start, time.process_time() - cpu_start


def _timed_pass(extract: Extractor, pages: Sequence[BenchPage]) -> tuple[float, float]:
    """One more pass over the pages, timed as score_tool times it (wall, CPU), not scored."""
    wall = cpu = 0.0
    for page in pages:
        _, _, call_wall, call_cpu = _timed_call(extract, page)
        wall += call_wall
        cpu += call_cpu
    return wall, cpu


def run_section(
    corpus: str,
    kind: str,
    tools: Sequence[str],
    limit: int | None,
    model_path: str | None,
    oracle: bool,
    shared: Path | None = None,
    repeat: int = 1,
) -> Section:
    from cleaner.corpora import GOLD_CONVENTION

    convention = GOLD_CONVENTION[corpus]
    section = Section(corpus, kind, convention)
    pages = load_pages(corpus, kind, limit, shared)
    # the HTML tools get the same text scrape as minimal HTML, prepared outside the timing
    wrapped = [BenchPage(p.id, text_as_html(p.content), p.gold, p.site) for p in pages]
    extractors, section.notes = build_extractors(tools, kind, convention, model_path)
    for name, extract in extractors:
        tool_pages = wrapped if (kind == "text" and name not in CLEANER_TOOLS) else pages
        if tool_pages:
            try:  # warm-up: imports, lazily compiled patterns, caches; not timed or scored
                extract(tool_pages[0].content)
            except Exception:  # noqa: BLE001 - the timed run counts it
                pass
        print(f"  {corpus}/{kind}: {name} on {len(tool_pages)} pages…", file=sys.stderr)
        prepared, cpu_prepared = _prepare(extract, tool_pages)
        run = score_tool(name, extract, tool_pages)
        passes = [((run.seconds or 0.0) + prepared, (run.cpu_seconds or 0.0) + cpu_prepared)]
        for _ in range(repeat - 1):  # the output does not change: time only
            prepared, cpu_prepared = _prepare(extract, tool_pages)
            wall, cpu = _timed_pass(extract, tool_pages)
            passes.append((wall + prepared, cpu + cpu_prepared))
        run.pass_seconds = [wall for wall, _ in passes]
        # the median; of an even number of passes, the slower middle one
        run.seconds, run.cpu_seconds = sorted(passes)[len(passes) // 2]
        section.runs.append(run)
    if oracle:
        print(f"  {corpus}/{kind}: oracle…", file=sys.stderr)
        section.runs.append(oracle_run(pages, kind))
    return section


def _at_least_one(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError("give 1 or more")
    return n


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", nargs="+", choices=CORPORA, default=list(CORPORA))
    ap.add_argument("--input", nargs="+", choices=INPUTS, default=list(INPUTS), dest="inputs")
    ap.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    ap.add_argument("--limit", type=int, default=None, help="first N held-out pages per corpus")
    ap.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    ap.add_argument(
        "--oracle", action="store_true", help="add the gold-lines row (a few ms a page)"
    )
    ap.add_argument(
        "--repeat",
        type=_at_least_one,
        default=3,
        help="timed passes over the pages; the median pass's speed is reported (default 3; of "
        "an even number, the slower middle pass)",
    )
    ap.add_argument("--shared", type=Path, default=None, help="default: ../shared")
    ap.add_argument("--out", type=Path, default=None, help="also write the Markdown here")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    from cleaner.corpora import default_shared_dir, iter_pages

    shared = args.shared or default_shared_dir()
    if not (shared / "corpora").is_dir():
        where = shared / "corpora"
        print(f"bench_clean: needs the corpora at {where} (../shared)", file=sys.stderr)
        return 2
    counts = {}
    for corpus in args.corpus:
        n = sum(1 for _ in iter_pages(corpus, "test", shared))
        counts[corpus] = min(n, args.limit) if args.limit is not None else n
    model_info = describe_model(args.model) if CLEANER_TOOLS & set(args.tools) else "not used"
    sections = []
    for corpus in args.corpus:
        for kind in args.inputs:
            sections.append(
                run_section(
                    corpus,
                    kind,
                    args.tools,
                    args.limit,
                    args.model,
                    args.oracle,
                    shared,
                    args.repeat,
                )
            )
    lines = format_header(args, argv, counts, model_info)
    for section in sections:
        lines.extend(format_section(section))
    report = "\n".join(lines)
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report + "\n", encoding="utf-8")
    wanted_cleaner = "cleaner" in args.tools
    ran_cleaner = all(any(r.tool == "cleaner" for r in s.runs) for s in sections)
    return 1 if wanted_cleaner and not ran_cleaner else 0


if __name__ == "__main__":
    sys.exit(main())
