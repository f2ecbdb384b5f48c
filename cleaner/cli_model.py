"""`cleaner train` and `cleaner evaluate`: the model's life cycle from the command line."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path

from .corpora import CORPORA, GOLD_CONVENTION, default_shared_dir, parse_fold


def _corpus_split(value: str) -> str:
    """A split name iter_pages knows (corpora.in_split), checked before any work starts."""
    try:
        parse_fold(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _evaluation_split(value: str) -> str:
    """A corpus split (_corpus_split), or cv:N: every fit page, each scored by the model of its
    fold (--model DIR holds fold0 .. fold<N-1>, trained with --split fit-but:K/N)."""
    kind, _, n = value.partition(":")
    if kind == "cv":
        if not n.isdigit() or int(n) < 2:
            raise argparse.ArgumentTypeError(f"{value!r}: cv:N needs N >= 2 folds")
        return value
    return _corpus_split(value)


def _training_split(value: str) -> str:
    """fit, train, or fit-but:K/N: training never reads the test sites, nor the fold it will
    be scored on."""
    value = _corpus_split(value)
    if value not in ("fit", "train") and not value.startswith("fit-but:"):
        raise argparse.ArgumentTypeError(
            f"cannot train on {value!r}: use fit, train or fit-but:K/N"
        )
    return value


def _word_model_kinds(value: str) -> tuple[str, ...]:
    """argparse type: 'text', 'text,html', 'none' -> kinds (a bad one is a usage error, exit 2)."""
    kinds = tuple(k.strip() for k in value.split(",") if k.strip() and k.strip() != "none")
    unknown = sorted(set(kinds) - {"text", "html"})
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown input kind(s): {', '.join(unknown)}")
    return kinds


def _train_kinds(value: str) -> tuple[str, ...]:
    """argparse type: which networks to train, 'text', 'html' or 'text,html' (a misspelt kind
    trained nothing it was meant to)."""
    kinds = _word_model_kinds(value)
    if not kinds:
        raise argparse.ArgumentTypeError("give text, html or text,html")
    return tuple(dict.fromkeys(kinds))  # each once


def _markup_model_kinds(value: str) -> tuple[str, ...]:
    """argparse type: 'html' or 'none' (text scrapes have no markup)."""
    kinds = _word_model_kinds(value)
    if "text" in kinds:
        raise argparse.ArgumentTypeError("text scrapes have no markup: give html or none")
    return kinds


def _dom_groups(value: str) -> tuple[str, ...]:
    """argparse type: 'path_attrs', 'path_attrs,path,parent', 'none' -> the DOM groupings."""
    from .features import DOM_GROUPINGS

    names = tuple(k.strip() for k in value.split(",") if k.strip() and k.strip() != "none")
    unknown = sorted(set(names) - set(DOM_GROUPINGS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown DOM grouping(s): {', '.join(unknown)}")
    return tuple(dict.fromkeys(names))


_DEFAULTS: dict = {
    "kinds": ("text", "html"),
    "max_iter": 60,
    "seed": 0,
    "split": "fit",
    "word_model": ("text",),
    "markup_model": ("html",),
    "dom_groups": ("path_attrs", "path"),
}
"""`cleaner train`'s defaults, which the command recorded on the model card leaves out."""


def register(sub) -> None:
    p = sub.add_parser("train", help="train the line model into a model folder (JSON + npz)")
    p.add_argument(
        "labelled",
        nargs="*",
        default=["labelled"],
        help="folders of labelled documents (default: labelled)",
    )
    p.add_argument(
        "-o",
        "--out",
        required=True,
        help="model folder to write (new, or a model folder to replace; the shipped one is "
        "models/line-model)",
    )
    p.add_argument(
        "--shared",
        default=None,
        help="folder with corpora/ (default ../shared beside the project); 'none' to skip",
    )
    p.add_argument(
        "--kinds",
        default=",".join(_DEFAULTS["kinds"]),
        type=_train_kinds,
        help="which networks to train: text, html or text,html (default; html needs the corpora)",
    )
    p.add_argument("--max-iter", type=int, default=_DEFAULTS["max_iter"])
    p.add_argument(
        "--seed",
        type=int,
        default=_DEFAULTS["seed"],
        help="first random seed of the networks (ensemble members use seed, seed+1, ...); "
        "retrain with a few seeds to see how much a score moves by chance alone",
    )
    p.add_argument(
        "--split",
        type=_training_split,
        default=_DEFAULTS["split"],
        help="corpus pages to learn from: fit = all but the test sites (default); "
        "train = also leave out the dev sites, to choose settings on them; fit-but:K/N = "
        "the fit sites outside fold K of N (score it with evaluate --split fold:K/N)",
    )
    p.add_argument(
        "--word-model",
        default=_DEFAULTS["word_model"],
        type=_word_model_kinds,
        metavar="KINDS",
        help="input kinds whose pass 1 also reads the word model (cleaner/lexical.py): "
        "text (default), text,html, or none",
    )
    p.add_argument(
        "--markup-model",
        default=_DEFAULTS["markup_model"],
        type=_markup_model_kinds,
        metavar="KINDS",
        help="input kinds whose pass 1 also reads the markup model (a word model over each "
        "line's tag and class/id words): html (default) or none",
    )
    p.add_argument(
        "--dom-groups",
        default=_DEFAULTS["dom_groups"],
        type=_dom_groups,
        metavar="GROUPINGS",
        help="HTML pass 2 also reads, per DOM grouping, the pass-1 body and boilerplate "
        "scores of the other lines in the line's group, a comma list of path_attrs (the "
        "container: tag path and class/id words), path (the tag path), parent (the path "
        "without the line's own tag); default path_attrs,path; none for no groups",
    )
    p.add_argument(
        "--keep",
        metavar="MODEL",
        help="take the networks of the kinds not trained (--kinds) from this model folder, with "
        "their word, markup and headline models; the card says so",
    )
    p.add_argument("--cache", default=".cache", help="where aligned corpus labels are cached")
    p.add_argument("--no-eval", action="store_true", help="skip the held-out evaluation")
    p.set_defaults(func=_train)

    c = sub.add_parser(
        "convert",
        help="label a folder of pages from their gold text, as labelled documents for training",
    )
    c.add_argument("folder", help="folder of <id>.txt|html + <id>.gold.txt")
    c.add_argument("-o", "--out", required=True, help="folder to write <id>.tsv documents into")
    c.add_argument("--input", default="text", choices=("text", "html"))
    c.add_argument("--site", default=None, help="site name for the documents' header")
    c.set_defaults(func=_convert)

    e = sub.add_parser("evaluate", help="score body P/R/F1 against gold text")
    e.add_argument("folder", nargs="?", help="folder of <id>.txt|html + <id>.gold.txt")
    e.add_argument("--corpus", choices=CORPORA, help="a corpus in ../shared/corpora instead")
    e.add_argument(
        "--split",
        default="test",
        type=_evaluation_split,
        help="test (default), dev, train, fit, or fold:K/N: the fit sites of fold K of N, "
        "for a model trained with --split fit-but:K/N; cv:N: every fit page, scored by the "
        "model of its fold (--model DIR holding fold0 .. fold<N-1>)",
    )
    e.add_argument("--input", default="text", choices=("text", "html"), help="score text or HTML")
    e.add_argument(
        "--convention",
        choices=("body", "article"),
        help="gold holds the body only, or headline+captions too (default by corpus)",
    )
    e.add_argument("--model", default=None, help="model folder (default: shipped)")
    e.add_argument("--per-page", action="store_true", help="print one line per page")
    e.add_argument(
        "--errors",
        action="store_true",
        help="list every misjudged line (missed: gold text removed; extra: kept, not in the "
        "gold) with its label, score and reason, worst page first",
    )
    e.set_defaults(func=_evaluate)


def _shared(arg: str | None) -> Path | None:
    if arg == "none":
        return None
    path = Path(arg) if arg else default_shared_dir()
    return path if (path / "corpora").is_dir() else None


HELD_OUT_NOTE = (
    "measured with the cleaner's whole pipeline: this model, then the comment-section rule of "
    "cleaner/comments.py, the copyright-notice rule of cleaner/notices.py, the reporting-credit "
    "rule of cleaner/credits.py, and the likeliest-block fallback and the unsure-island rule of "
    "cleaner/clean.py"
)


def held_out_metrics(model, shared: Path) -> dict:
    """Body P/R/F1 on the held-out split of every corpus, for both text and HTML input."""
    from .evaluate import evaluate_pages, iter_corpus_split, mean_scores

    metrics: dict = {}
    for corpus in CORPORA:
        for kind in ("text", "html"):
            scores = evaluate_pages(
                iter_corpus_split(corpus, "test", kind, shared),
                model=model,
                convention=GOLD_CONVENTION[corpus],
            )
            m = mean_scores([s.score for s in scores])
            metrics[f"{corpus}/{kind}"] = {
                "pages": len(scores),
                "precision": round(m.precision, 4),
                "recall": round(m.recall, 4),
                "f1": round(m.f1, 4),
                "convention": GOLD_CONVENTION[corpus],
                **_title_fields(scores),
            }
    return metrics


def _title_fields(scores) -> dict:
    """How many pages' title is the gold headline, where the pages have one (L3S)."""
    from .evaluate import title_accuracy

    correct, judged = title_accuracy(scores)
    return {"title_correct": correct, "title_pages": judged} if judged else {}


def _train(args) -> int:
    from .batch import one_blas_thread
    from .model import ModelError, read_model, save_model
    from .train import TrainConfig, keep_kinds, train_model

    # One BLAS thread: the MLP's small matrices gain nothing from more, several threads
    # fighting over two cores made training ten times slower in our measurements, and the
    # weights must not depend on how many cores the machine has
    one_blas_thread(training=True)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    problem = _train_arguments_problem(args)
    if problem:
        log(f"cleaner train: {problem}")
        return 2
    shared = _shared(args.shared)
    if shared is None:
        log("no corpora found: training on the labelled documents only")
    base = None
    if args.keep:
        try:
            base = read_model(args.keep)
        except (ModelError, OSError, ValueError) as exc:
            log(f"cleaner train: --keep {args.keep}: {exc}")
            return 2
        missing = [k for k in ("text", "html") if k not in args.kinds and not base.has(k)]
        if missing:  # found now, not after the training's minutes
            log(f"cleaner train: --keep {args.keep}: it has no {' or '.join(missing)} networks")
            return 2
    try:
        model = train_model(
            [Path(p) for p in args.labelled],
            shared=shared,
            cache_dir=Path(args.cache),
            kinds=args.kinds,
            cfg=TrainConfig(
                max_iter=args.max_iter,
                split=args.split,
                seed=args.seed,
                word_model_kinds=args.word_model,
                markup_model_kinds=args.markup_model,
                dom_groups=args.dom_groups,
            ),
            log=log,
        )
        if base is not None:
            model = keep_kinds(model, base, args.keep)
    except (ValueError, OSError) as exc:  # no training data, a bad document, an unreadable
        log(f"cleaner train: {exc}")  # file or cache: a message, not a traceback
        return 2
    if shared is not None and not args.no_eval:
        log("evaluating on the held-out split ...")
        model.card["held_out_metrics"] = held_out_metrics(model, shared)
        model.card["held_out_metrics_note"] = HELD_OUT_NOTE
    model.card["training"]["command"] = _train_command(args)
    try:
        save_model(model, args.out)
    except OSError as exc:
        log(f"cleaner train: cannot write the model to {args.out} ({exc.strerror or exc})")
        return 2
    log(f"model written to {args.out}")
    read_model(args.out)  # proves the files load back
    return 0


def _train_arguments_problem(args) -> str | None:
    """What makes the arguments unusable, found before training rather than after its
    minutes: a labelled folder that is not there, an output that cannot be written."""
    missing = [p for p in args.labelled if not Path(p).is_dir()]
    if missing:
        return f"{missing[0]}: no such folder of labelled documents"
    if args.keep and set(args.kinds) >= {"text", "html"}:
        return "--keep takes the kinds not trained from a model: give --kinds text or html"
    unwritable = _out_problem(Path(args.out))
    return f"cannot write the model to {args.out}: {unwritable}" if unwritable else None


def _out_problem(out: Path) -> str | None:
    """Why a model cannot be written to `out`, or None. A folder holding other files and no
    model.json is refused: saving writes README.md there (`-o labelled` would overwrite the
    labelled data's README)."""
    if out.exists():
        if not out.is_dir():
            return "not a folder"
        if not (out / "model.json").is_file() and any(out.iterdir()):
            return "a folder with other files in it (give a new folder or a model folder)"
        return None if os.access(out, os.W_OK | os.X_OK) else "no permission to write there"
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return f"{parent} is not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"no permission to create it in {parent}"
    return None


def _train_command(args) -> str:
    """The command that made this model, for its card: the folders and -o as given, and the
    options that change the model when they differ from the defaults (not --cache)."""
    parts = ["cleaner", "train", *args.labelled, "-o", args.out]
    if args.shared is not None:
        parts += ["--shared", args.shared]
    for name, value in (
        ("kinds", args.kinds),
        ("max_iter", args.max_iter),
        ("seed", args.seed),
        ("split", args.split),
        ("word_model", args.word_model),
        ("markup_model", args.markup_model),
        ("dom_groups", args.dom_groups),
    ):
        if value != _DEFAULTS[name]:
            shown = (",".join(value) or "none") if isinstance(value, tuple) else str(value)
            parts += ["--" + name.replace("_", "-"), shown]
    if args.keep:
        parts += ["--keep", args.keep]
    if args.no_eval:
        parts.append("--no-eval")
    return shlex.join(parts)


def _evaluate(args) -> int:
    from .evaluate import evaluate_pages, iter_corpus_split, mean_scores

    if args.corpus and args.folder:
        print("cleaner evaluate: give a folder or --corpus, not both", file=sys.stderr)
        return 2
    folds = int(args.split[3:]) if args.split.startswith("cv:") else 0
    if folds and not (args.corpus and args.model):
        print("cleaner evaluate: --split cv:N needs --corpus and --model DIR", file=sys.stderr)
        return 2
    # (split, model path) pairs: cv:N pools each fold's pages with the model that never saw them
    runs = [(f"fold:{k}/{folds}", f"{args.model}/fold{k}") for k in range(folds)]
    runs = runs or [(args.split, args.model)]
    models = []
    for _, path in runs:
        model, problem = _evaluation_model(path)
        if problem:
            print(f"cleaner evaluate: {problem}", file=sys.stderr)
            return 2
        models.append(model)
    if args.corpus:
        shared = _shared(None)
        if shared is None:
            print("cleaner evaluate: ../shared/corpora not found", file=sys.stderr)
            return 2
        items = [iter_corpus_split(args.corpus, split, args.input, shared) for split, _ in runs]
        convention = args.convention or GOLD_CONVENTION[args.corpus]
    elif args.folder:
        if not Path(args.folder).is_dir():
            print(f"cleaner evaluate: {args.folder}: no such folder", file=sys.stderr)
            return 2
        items = [_gold_folder_items(Path(args.folder), args.input)]
        convention = args.convention or "body"
    else:
        print("cleaner evaluate: give a folder or --corpus", file=sys.stderr)
        return 2
    scores = [
        score
        for pages, model in zip(items, models, strict=True)
        for score in evaluate_pages(
            pages, model=model, convention=convention, with_line_errors=args.errors
        )
    ]
    if args.per_page:
        for s in scores:
            print(f"{s.id}\t{s.score.precision:.3f}\t{s.score.recall:.3f}\t{s.score.f1:.3f}")
    if args.errors:
        _print_line_errors(scores)
    m = mean_scores([s.score for s in scores])
    print(
        json.dumps(
            {
                "pages": len(scores),
                "convention": convention,
                "precision": round(m.precision, 4),
                "recall": round(m.recall, 4),
                "f1": round(m.f1, 4),
                **_title_fields(scores),
            }
        )
    )
    if not scores:
        where = args.folder or f"{args.corpus} ({args.split})"
        ext = "html" if args.input == "html" else "txt"
        other, other_ext = ("text", "txt") if args.input == "html" else ("html", "html")
        hint = ""
        folder = Path(args.folder) if args.folder else None
        if folder and any(
            (folder / f"{g.name.removesuffix('.gold.txt')}.{other_ext}").is_file()
            for g in folder.glob("*.gold.txt")
        ):
            hint = f"; it has <id>.{other_ext} pages: add --input {other}"
        print(
            f"cleaner evaluate: {where}: no pages to score (a page is <id>.{ext} with its "
            f"gold text in <id>.gold.txt){hint}",
            file=sys.stderr,
        )
        return 2
    return 0


def _evaluation_model(path: str | None):
    """(model, None), or (None, why it cannot be loaded): --model as `cleaner clean` takes it
    (a model folder; a file in one means its folder)."""
    from .model import NotAModelFolder, load_model

    try:
        return load_model(path), None
    except NotAModelFolder as exc:
        return None, str(exc)
    except Exception as exc:  # missing, altered or foreign model files: one line, exit 2
        return None, f"cannot load {path or 'the shipped model'} ({type(exc).__name__}: {exc})"


def _gold_folder_items(folder: Path, kind: str):
    """evaluate.iter_gold_folder's items, saying on stderr which files it leaves out: a page
    without its gold text, a gold text without its page, an empty gold text (nothing to score
    against: `cleaner convert` skips it too)."""
    from .evaluate import iter_gold_folder

    ext = ".html" if kind == "html" else ".txt"
    golds = {p.name.removesuffix(".gold.txt") for p in folder.glob("*.gold.txt")}
    pages = {p.name.removesuffix(ext) for p in folder.glob("*" + ext)}
    pages -= {g + ".gold" for g in golds}  # <id>.gold.txt is no page
    _note_left_out(sorted(pages - golds), "page", " without a gold text (<id>.gold.txt)")
    _note_left_out(sorted(golds - pages), "gold text", f" without its page (<id>{ext})")
    empty = []
    for item in iter_gold_folder(folder, kind):
        if item[3].strip():
            yield item
        else:
            empty.append(item[0])
    _note_left_out(empty, "empty gold text", "")


def _note_left_out(ids: list[str], what: str, why: str) -> None:
    if ids:
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        plural = "s" if len(ids) != 1 else ""
        print(
            f"cleaner evaluate: {len(ids)} {what}{plural}{why}, not scored: {shown}",
            file=sys.stderr,
        )


def _print_line_errors(scores) -> None:
    """Pages with misjudged lines or a wrong title, lowest F1 first: a
    `# id<TAB>P<TAB>R<TAB>F1` header, a `# title: ...` line when the title is not the gold
    headline, then `missed|extra<TAB>line number (from 1)<TAB>label<TAB>score<TAB>reason<TAB>text`
    rows; then the words misjudged by reason over all pages, `missed|extra<TAB>words<TAB>reason`
    rows."""
    from .cli_clean import _cell
    from .evaluate import error_summary

    for s in sorted(scores, key=lambda s: (s.score.f1, s.id)):
        if not s.line_errors and s.error is None and s.title_ok is not False:
            continue
        p, r, f = s.score.precision, s.score.recall, s.score.f1
        print(f"# {_cell(s.id)}\tP {p:.3f}\tR {r:.3f}\tF1 {f:.3f}")
        if s.error is not None:
            print(f"# error: {_cell(s.error)}")
        if s.title_ok is False:
            found = repr(s.title) if s.title else "none"
            print(f"# title: {_cell(found)}, the headline is {_cell(repr(s.gold_title))}")
        for e in s.line_errors or []:
            cells = (e.kind, str(e.index + 1), e.label, f"{e.score:.3f}", e.reason, e.text)
            print("\t".join(map(_cell, cells)))
        print()
    summary = error_summary(scores)
    if summary:
        print("# words misjudged, by reason (all pages; the first clause of each reason)")
        for kind, reason, n in summary[:_SUMMARY_ROWS]:
            print(f"{kind}\t{n}\t{_cell(reason)}")
        print()


_SUMMARY_ROWS = 20


def _convert(args) -> int:
    """Gold text -> line labels (the same aligner training uses on the corpora)."""
    from .corpora import labels_from_gold
    from .evaluate import iter_gold_folder
    from .labelled import write_labelled
    from .lines import to_page

    if not Path(args.folder).is_dir():
        print(f"cleaner convert: {args.folder}: no such folder", file=sys.stderr)
        return 2

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = skipped = 0
    for page_id, content, kind, gold in iter_gold_folder(args.folder, args.input):
        if isinstance(content, bytes):
            from .sources import InputError, decode_bytes

            try:
                content, _ = decode_bytes(content)
            except InputError as exc:  # binary, or bytes no encoding reads
                print(f"cleaner convert: {page_id}: {exc}; skipped", file=sys.stderr)
                skipped += 1
                continue
        page = to_page(content, kind)
        if not page.lines or not gold.strip():
            print(f"cleaner convert: {page_id}: no lines or empty gold; skipped", file=sys.stderr)
            skipped += 1
            continue
        labels = labels_from_gold(page.lines, gold, html_title=page.html_title)
        for line, label in zip(page.lines, labels, strict=True):
            line.label = label
        meta = {
            "source": f"{args.folder}/{page_id}",
            "site": args.site or page_id,
            "labels": "aligned from gold text by cleaner convert; check before trusting",
            "split": "train",
        }
        write_labelled(out / f"{page_id}.tsv", page.lines, meta)
        written += 1
    print(
        f"cleaner convert: {written} documents written to {out}, {skipped} skipped", file=sys.stderr
    )
    return 0 if written else 2
