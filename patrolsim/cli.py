"""The command line: argument parsing, and the one place user errors become messages and exit codes.

Exit codes: 0 success, 1 a run failed for a reason that is not the user's input, 2 bad input
(a map, a scenario, a flag), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .data import default_scenario, folder
from .errors import MissingExtra, UserError, require
from .scenario import load_run_scenario
from .schema import finite


class _Parser(argparse.ArgumentParser):
    """argparse with its errors as one line (the usage block stays in --help)."""

    def error(self, message: str):
        print(f"{self.prog}: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="patrolsim",
        description="Simulate patrol robots on a map; report coverage and idleness.",
        epilog="With no command: open the window on the default scenario (headless summary without a display).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run a scenario headless and print its summary")
    run.add_argument("scenario", help="scenario .toml file (or a map file: run it with default settings)")
    _scenario_flags(run)
    run.add_argument("--json", metavar="PATH", help="write run, metrics and tables as JSON ('-' = stdout)")
    run.add_argument("--csv", metavar="PREFIX", help="write PREFIX_nodes.csv, PREFIX_agents.csv, PREFIX_series.csv")
    run.add_argument("-q", "--quiet", action="store_true", help="do not print the summary table")
    run.add_argument(
        "--vs",
        metavar="STRATEGIES",
        help="also run these strategies (comma-separated, e.g. cgg,msp; each with its defaults) on the same map, "
        "team and seed, and show them side by side (the compare command's figures; in --json and --csv too)",
    )

    maps = sub.add_parser(
        "maps",
        help="list, show or validate maps; import an OpenStreetMap file or a graph in longitude/latitude",
        epilog="import: patrolsim maps import SOURCE --out maps/mytown.graphml [--network walk] [--bbox W,S,E,N] "
        "writes a cleaned map in metres (GraphML, GML or node-link JSON by the --out extension) to patrol many times",
    )
    maps.add_argument("action", nargs="?", choices=["list", "show", "validate", "import"], default="list")
    maps.add_argument("paths", nargs="*", help="map files (default: the shipped maps); import: the one source file")
    maps.add_argument("--out", metavar="PATH", help="import: the map file to write (.graphml, .gml or .json)")
    maps.add_argument("--name", help="import: the map's name (default: the source's)")
    _map_option_flags(maps)

    sub.add_parser("strategies", help="list strategies with one-line descriptions")

    gui = sub.add_parser("gui", help="open the window on a scenario or map (default: the office scenario)")
    gui.add_argument("scenario", nargs="?", help="scenario .toml file or map file")
    _scenario_flags(gui)
    gui.add_argument("--compare", metavar="STRATEGY", help="start in compare mode against this strategy")
    gui.add_argument("--size", metavar="WxH", help="window size in pixels (default 1280x720)")
    gui.add_argument(
        "--run-to-end",
        action="store_true",
        help="run as fast as possible to the scenario's duration, write the --export-* files and close "
        "(off-screen when there is no display)",
    )
    gui.add_argument("--export-json", metavar="PATH", help="with --run-to-end: the JSON 'patrolsim run --json' writes")
    gui.add_argument(
        "--export-csv", metavar="PREFIX", help="with --run-to-end: the CSV files 'patrolsim run --csv' writes"
    )
    gui.add_argument(
        "--screenshot-after",
        nargs=2,
        metavar=("SECONDS", "PATH"),
        help="save a PNG screenshot after SECONDS of wall time, then close (for scripts)",
    )

    gui_bench = sub.add_parser(
        "gui-bench",
        help="measure the window's frame rate and events per second "
        "(off-screen: 1280x800, 100x100 grid, 50 agents, heat map on)",
    )
    gui_bench.add_argument(
        "--seconds", type=_positive_float, default=5.0, help="wall seconds per measured case (default 5)"
    )

    bench = sub.add_parser("bench", help="measure agent-decisions per second and peak memory")
    bench.add_argument("--quick", action="store_true", help="a short run of each case (smoke test)")
    bench.add_argument("--large", action="store_true", help="also the 1000x1000 grid memory check")
    bench.add_argument(
        "--strategies", action="store_true", help="also the global and policing strategies on a 10,000-node grid"
    )
    bench.add_argument(
        "--rl",
        action="store_true",
        help="only the RL environment: step calls/s of a random policy, 100 nodes, 4 robots (needs patrolsim[rl])",
    )
    bench.add_argument("--profile", action="store_true", help="with --rl: also cProfile's top functions")
    _batch_parsers(sub)
    _compare_parser(sub)
    _rl_parser(sub)
    return parser


def _rl_parser(sub) -> None:
    """rl-train: tabular Q-learning in the RL environment, then the compare table against other strategies."""
    rl = sub.add_parser(
        "rl-train",
        help="learn a tabular Q-learning policy in the RL environment (needs patrolsim[rl]) and compare it "
        "with other strategies on the same map and seeds",
        description="Train every robot of the scenario's team on one shared table (semi-Markov Q-learning in "
        "patrolsim.rl's PettingZoo environment), save it as the rl strategy's policy file, then run it beside "
        "--strategies on the evaluation --seeds and print patrolsim compare's table. docs/rl.md explains.",
    )
    rl.add_argument(
        "scenario", nargs="?", default="city_blocks", help="scenario, map or shipped name (default city_blocks)"
    )
    rl.add_argument("--agents", type=_positive_int, help="robots (default: the scenario's team)")
    rl.add_argument("--duration", type=_positive_float, help="simulated seconds of an episode and of a run")
    rl.add_argument("--episodes", type=_positive_int, default=300, help="training episodes (default 300)")
    rl.add_argument("--seed", type=_non_negative_int, default=1000, help="seed of the training episodes (default 1000)")
    rl.add_argument("--alpha", type=_learning_rate, default=0.1, help="learning rate in (0, 1] (default 0.1)")
    rl.add_argument(
        "--gamma", type=_discount, default=0.5, help="discount in [0, 1) per idleness scale of time (default 0.5)"
    )
    rl.add_argument("--out", metavar="PATH", default="policy.npz", help="the policy file to write (default policy.npz)")
    rl.add_argument("--seeds", default="1-5", help="evaluation seeds, e.g. 1-5 (default 1-5)")
    rl.add_argument("--strategies", default="random,cr,cgg", help="strategies to compare with (default random,cr,cgg)")
    rl.add_argument("-q", "--quiet", action="store_true", help="no progress lines")


def _compare_parser(sub) -> None:
    """The compare subcommand: strategies x team sizes x seeds on one map, the published table."""
    from .batch.compare import __doc__ as definitions

    compare = sub.add_parser(
        "compare",
        help="run strategies x team sizes x seeds on one map; print worst, time-averaged and mean-interval "
        "idleness and patrolling_sim's gavg, gmax, avg_graph, worst_avg (mean and spread over seeds)",
        description=definitions,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compare.add_argument("scenario", help="map file, scenario .toml file or shipped name")
    compare.add_argument("--strategies", default="cgg,msp,cr", help="comma-separated names (default cgg,msp,cr)")
    compare.add_argument("--agents", default="1-8", help="team sizes, e.g. 1-8 or 2,4,6 (default 1-8)")
    compare.add_argument("--seeds", default="1-5", help="seeds, e.g. 1-5 or 1,3 (default 1-5)")
    compare.add_argument("--duration", type=_positive_float, help="simulated seconds per run")
    compare.add_argument("--warmup", type=_non_negative_float, help="seconds excluded from the figures")
    compare.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario key in every run; strategy.KEY goes to the strategies that take KEY, e.g. "
        "--set strategy.policy=policy.npz for rl",
    )
    compare.add_argument("--csv", metavar="PATH", help="write one row per configuration as CSV ('-' = stdout)")
    compare.add_argument("--json", metavar="PATH", help="write the rows and every run as JSON ('-' = stdout)")
    compare.add_argument("-q", "--quiet", action="store_true", help="no progress line, no table")


def _map_option_flags(p: argparse.ArgumentParser) -> None:
    """Flags of the map loaders' options (read by :func:`map_options`)."""
    p.add_argument(
        "--network",
        choices=["walk", "drive", "service", "all"],
        help="OpenStreetMap files: which streets (default walk)",
    )
    p.add_argument("--bbox", metavar="W,S,E,N", help="OpenStreetMap files: keep this box (degrees)")
    p.add_argument("--polygon", metavar="FILE", help="OpenStreetMap files: keep the area of this GeoJSON polygon")
    p.add_argument(
        "--crs",
        metavar="CRS",
        help="graph files: what x/y are when the file does not say, e.g. epsg:4326 (longitude/latitude) or metres",
    )


def map_options(args: argparse.Namespace) -> dict:
    """The map loader options given as flags (--network, --bbox, --polygon, --crs)."""
    out: dict = {}
    for key in ("network", "polygon", "crs"):
        if getattr(args, key, None):
            out[key] = getattr(args, key)
    if getattr(args, "bbox", None):
        parts = args.bbox.split(",")
        try:
            out["bbox"] = [float(x) for x in parts]
        except ValueError:
            out["bbox"] = parts
        if len(parts) != 4 or not all(finite(x) for x in out["bbox"]):
            raise UserError(f"--bbox expects four numbers WEST,SOUTH,EAST,NORTH in degrees, got {args.bbox!r}")
    return out


def _scenario_flags(p: argparse.ArgumentParser) -> None:
    """The flags that change the scenario (read by :func:`scenario_overrides`): run and gui share them."""
    p.add_argument("--strategy", help="strategy name (see 'patrolsim strategies')")
    p.add_argument("--agents", type=_positive_int, help="number of agents")
    p.add_argument("--seed", type=_non_negative_int, help="random seed")
    p.add_argument("--duration", type=_positive_float, help="simulated seconds")
    p.add_argument("--warmup", type=_non_negative_float, help="seconds excluded from the metrics")
    p.add_argument("--speed", type=_positive_float, help="agent speed in m/s")
    p.add_argument("--sensing-radius", type=_non_negative_float, help="sensing radius in metres")
    p.add_argument(
        "--largest-component",
        action="store_true",
        default=None,
        help="keep only the largest connected part of a disconnected map",
    )
    _map_option_flags(p)
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override any scenario key, e.g. --set strategy.w_idle=2 (value in TOML syntax)",
    )


def _batch_parsers(sub) -> None:
    """Subcommands of batch experiments: batch, results, report, bench-batch."""
    batch = sub.add_parser(
        "batch",
        help="run a sweep (strategies x team sizes x ... x seeds) into a results database",
        description="Run every run of a sweep file not yet complete in --out "
        "(rerunning resumes), on all cores (Dask LocalCluster), an existing Dask cluster, "
        "or in this process.",
    )
    batch.add_argument("sweep", help="sweep .toml file (see sweeps/)")
    batch.add_argument("--out", metavar="DB", help="results database (SQLite file; created if absent)")
    batch.add_argument("--workers", type=_positive_int, help="worker processes (default: one per core)")
    batch.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="use the Dask cluster at ADDRESS, e.g. tcp://host:8786 (default: "
        "$DASK_SCHEDULER_ADDRESS, else start a LocalCluster)",
    )
    batch.add_argument("--serial", action="store_true", help="run in this process, one run after the other")
    batch.add_argument(
        "--executor",
        choices=["dask", "process", "serial"],
        default=None,
        help="dask (default), process (a plain process pool) or serial",
    )
    batch.add_argument("--dry-run", action="store_true", help="list the runs (and which are done) and stop")
    batch.add_argument("-q", "--quiet", action="store_true", help="no progress line")

    results = sub.add_parser("results", help="summarise a results database: mean and 95%% CI per configuration")
    results.add_argument("db", help="results database written by 'patrolsim batch'")
    results.add_argument("--sweep", help="only this sweep (default: every sweep in the database)")
    results.add_argument(
        "--metric",
        action="append",
        default=[],
        metavar="NAME",
        help="metric to summarise (repeatable; default: the headline metrics present)",
    )
    results.add_argument(
        "--csv", metavar="PATH", help="write the tidy summary (one row per configuration and metric) as CSV"
    )
    results.add_argument("--parquet", metavar="PATH", help="the same as Parquet (needs pyarrow or pandas)")
    results.add_argument(
        "--per-run",
        action="store_true",
        help="export one row per run (every column of the runs table) instead of the summary",
    )

    report = sub.add_parser("report", help="plots (PNG and SVG) and an HTML page from a results database")
    report.add_argument("db", help="results database written by 'patrolsim batch'")
    report.add_argument("--out", metavar="DIR", default="report", help="output folder (default: report/)")
    report.add_argument("--sweep", help="only this sweep (default: every sweep in the database)")
    report.add_argument(
        "--metric",
        default=None,
        metavar="NAME",
        help="headline metric of the team-size figure (default: time_avg_idleness)",
    )

    bench = sub.add_parser("bench-batch", help="measure sweep scaling (1 vs N workers) and per-task overhead")
    bench.add_argument("--runs", type=_positive_int, default=200, help="runs per sweep (default 200)")
    bench.add_argument(
        "--run-seconds", type=_positive_float, default=1.0, help="target wall seconds of one run (default 1.0)"
    )
    bench.add_argument(
        "--workers", type=_positive_int, default=None, help="workers of the parallel case (default: one per core)"
    )
    bench.add_argument(
        "--overhead-runs",
        type=_positive_int,
        default=200,
        help="near-empty runs for the overhead measurement (default 200)",
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``patrolsim`` console script and ``python run.py``."""
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            # numpy's overflow and invalid-value warnings are not for users: inputs are checked, outputs say so
            warnings.simplefilter("ignore", RuntimeWarning)
            return _dispatch(args)
    except UserError as exc:
        print(f"patrolsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("patrolsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _dispatch(args: argparse.Namespace) -> int:
    """Run the command ``args`` names."""
    import numpy as np

    with np.errstate(all="ignore"):
        if args.command is None:
            return _default_app()
        return {
            "run": cmd_run,
            "maps": cmd_maps,
            "strategies": cmd_strategies,
            "bench": cmd_bench,
            "gui": cmd_gui,
            "gui-bench": cmd_gui_bench,
            "batch": cmd_batch,
            "results": cmd_results,
            "report": cmd_report,
            "bench-batch": cmd_bench_batch,
            "compare": cmd_compare,
            "rl-train": cmd_rl_train,
        }[args.command](args)


def _default_app() -> int:
    """Open the window on the default scenario; without a display, say so in one line and run it headless."""
    default = str(default_scenario())
    problem = _open_window(default, {})
    if problem is None:
        return 0
    print(
        f"patrolsim: {problem}; running the default scenario ({default_scenario().stem}) headless instead",
        file=sys.stderr,
    )
    return cmd_run(build_parser().parse_args(["run", default]))


def _open_window(path: str, overrides: dict, *, compare: str | None = None, **window) -> str | None:
    """Run the window on the scenario or map at ``path`` with ``overrides``; ``window``: the other
    arguments of :func:`patrolsim.gui.launch`. Returns why it could not open (else None)."""
    from .gui import NoDisplay, display_problem, launch
    from .strategies import strategy_class

    scenario = load_run_scenario(path, overrides)
    if compare:
        strategy_class(compare)
    problem = None if window.get("run_to_end") else display_problem()
    if problem:
        return f"cannot open the window: {problem}"
    try:
        for module in ("pygame", "pygame_gui"):
            require(module, "gui")
    except MissingExtra as exc:
        return str(exc)
    try:
        launch(scenario, compare=compare, **window)
    except NoDisplay as exc:
        return f"cannot open the window: {exc}"
    return None


def cmd_gui(args: argparse.Namespace) -> int:
    shot = None
    if args.screenshot_after:
        seconds, path = args.screenshot_after
        try:
            shot = (_positive_float(seconds), Path(path))
        except argparse.ArgumentTypeError as exc:
            raise UserError(f"--screenshot-after SECONDS: {exc}") from None
    for flag, value in (("--export-json", args.export_json), ("--export-csv", args.export_csv)):
        if value and not args.run_to_end:
            raise UserError(f"{flag} needs --run-to-end (the window's Export button writes files otherwise)")
    problem = _open_window(
        args.scenario or str(default_scenario()),
        scenario_overrides(args),
        compare=args.compare,
        screenshot_after=shot,
        size=_window_size(args.size) if args.size else (1280, 720),
        run_to_end=args.run_to_end,
        export_json=args.export_json,
        export_csv=args.export_csv,
    )
    if problem:
        raise UserError(f"{problem}; 'patrolsim run SCENARIO' runs without a window")
    return 0


def _window_size(text: str) -> tuple[int, int]:
    """'1366x768' -> (1366, 768); a UserError naming --size otherwise."""
    w, x, h = text.lower().partition("x")
    if not (x and w.strip().isdigit() and h.strip().isdigit()) or int(w) < 640 or int(h) < 480:
        raise UserError(f"--size expects WIDTHxHEIGHT of at least 640x480 pixels, e.g. 1366x768; got {text!r}")
    return int(w), int(h)


def cmd_gui_bench(args: argparse.Namespace) -> int:
    for module in ("pygame", "pygame_gui"):
        require(module, "gui")
    from .bench.gui import run_gui_bench

    run_gui_bench(seconds=args.seconds)
    return 0


# ---------------------------------------------------------------------------- run
def scenario_overrides(args: argparse.Namespace) -> dict:
    """Overrides from the run flags: --strategy, --agents, ... and every --set KEY=VALUE."""
    out = {
        k: v
        for k, v in {
            "strategy": args.strategy,
            "agents": args.agents,
            "seed": args.seed,
            "duration": args.duration,
            "warmup": args.warmup,
            "speed": args.speed,
            "sensing_radius": args.sensing_radius,
            "largest_component": args.largest_component,
        }.items()
        if v is not None
    }
    out.update({f"map.{k}": v for k, v in map_options(args).items()})
    out.update(set_values(args.set))
    return out


def set_values(items: list[str]) -> dict:
    """KEY -> value of every --set KEY=VALUE (the value in TOML syntax; a bare word is a string)."""
    import tomllib

    out = {}
    for item in items:
        key, eq, raw = item.partition("=")
        if not eq or not key.strip():
            raise UserError(f"--set expects KEY=VALUE, got {item!r}")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw  # a bare word is a string
        out[key.strip()] = value
    return out


def cmd_run(args: argparse.Namespace) -> int:
    from .batch.compare import as_dict, csv_text, figures, logged_run, table_text, versus, versus_line
    from .build import make
    from .output import csv_path, summary_text, write_csv, write_file, write_json
    from .strategies import strategy_class

    overrides = scenario_overrides(args)
    scenario = load_run_scenario(args.scenario, overrides)
    rivals = [name.strip() for name in (args.vs or "").split(",") if name.strip()]
    if args.vs is not None and not rivals:
        raise UserError(f"--vs expects strategy names separated by commas, e.g. cgg,msp; got {args.vs!r}")
    for name in rivals:
        strategy_class(name)
    sim = make(scenario)
    shown = False
    if sys.stderr.isatty():
        import time

        started = time.monotonic()

        def progress(s) -> None:
            nonlocal shown
            elapsed = time.monotonic() - started
            if elapsed >= 2.0:
                shown = True
                share = s.clock / scenario.duration
                print(
                    f"\rrunning: {share:4.0%} of {scenario.duration:,.0f} simulated s, {elapsed:,.0f} s",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )

        sim.on_pause = progress
    try:
        result, times, nodes = logged_run(sim) if rivals else (sim.run(), None, None)
    finally:
        if shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    comparison = None
    if rivals:
        assert times is not None and nodes is not None
        tty = sys.stderr.isatty() and not args.quiet
        comparison = versus(
            args.scenario, scenario, figures(result, times, nodes), rivals, overrides, _vs_progress if tty else None
        )
        if tty:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    if args.json:
        write_json(result, args.json, {"vs": as_dict(comparison)} if comparison else None)
    if args.csv:
        paths = write_csv(result, args.csv)
        if comparison:
            paths.append(write_file(csv_path(args.csv, "vs"), csv_text(comparison).rstrip("\n")))
        print("wrote " + ", ".join(str(p) for p in paths), file=sys.stderr)
    if not args.quiet and args.json != "-":
        print(summary_text(result))
        if comparison:
            print("\n" + table_text(comparison) + "\n\n" + versus_line(comparison))
    return 0


def _vs_progress(done: int, total: int, run: dict) -> None:
    print(f"\r--vs: {done} of {total} runs done ({run['strategy']})", end="", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- maps, strategies
def cmd_maps(args: argparse.Namespace) -> int:
    from .maps import load_map, map_files
    from .output import format_table

    options = map_options(args)
    if args.action == "import":
        return _import_map(args, options)
    if args.out or args.name:
        raise UserError("--out and --name apply only to 'patrolsim maps import SOURCE --out PATH'")
    paths = [Path(p) for p in args.paths] or map_files(folder("maps"))
    if args.action == "list":
        for p in paths:
            m = load_map(p, **options)
            print(f"{_shown(p):32s} {m.kind:5s} {m.n_nodes:7d} nodes {m.n_edges:7d} edges  {m.name}")
        return 0
    failed = 0
    for p in paths:
        try:
            m = load_map(p, **options)
        except UserError as exc:
            if args.action == "show":
                raise
            print(f"FAIL {exc}")
            failed += 1
            continue
        if args.action == "show":
            print(format_table([(k, str(v)) for k, v in m.summary().items()], _shown(p)) + "\n")
        else:
            print(f"ok   {_shown(p)}: {m.n_nodes} nodes, {m.n_edges} edges, connected")
    return 2 if failed else 0


def _import_map(args: argparse.Namespace, options: dict) -> int:
    """``maps import SOURCE --out PATH``: load the source (an OpenStreetMap file, a graph in any crs) and
    write it as a cleaned map in metres, with its attribution, crs and what was dropped in its metadata."""
    from .errors import printable
    from .maps import load_map
    from .maps.graph_file import write_graph_file

    if len(args.paths) != 1:
        raise UserError(
            "maps import expects one SOURCE file, e.g. patrolsim maps import town.osm.pbf --out town.graphml"
        )
    if not args.out:
        raise UserError("maps import needs --out PATH (.graphml, .gml or .json), e.g. --out maps/mytown.graphml")
    out = Path(args.out)
    if out.suffix.lower() not in (".graphml", ".gml", ".json"):
        raise UserError(f"--out expects a .graphml, .gml or .json file, got {args.out!r}")
    source = Path(args.paths[0])
    m = load_map(source, largest_component=True, **options)
    if args.name:
        m.name = printable(args.name)
    notes = [m.meta.get("description", ""), m.meta.get("dropped", "")]
    m.meta["description"] = "; ".join(n for n in notes if n) + f" (imported from {source.name})"
    try:
        write_graph_file(m, out)
    except OSError as exc:
        raise UserError(f"cannot write the map ({exc.__class__.__name__}: {exc.strerror or exc})", source=out) from None
    one_way = f", {m.n_one_way:,} one-way" if m.directed else ""
    print(f"wrote {out}: {m.n_nodes:,} nodes, {m.n_edges:,} edges{one_way}, {m.total_length() / 1000:,.2f} km")
    for note in (m.meta.get("dropped"), m.meta.get("crs") and f"crs {m.meta['crs']}", m.attribution):
        if note:
            print(f"  {note}")
    return 0


def _shown(p: Path) -> str:
    """``p`` relative to the working directory when it lies below it."""
    try:
        return str(p.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def cmd_strategies(args: argparse.Namespace) -> int:
    from .errors import StrategyError
    from .strategies import available, strategy_class

    for name, summary, source in available():
        print(f"{name:16s} {summary}" + ("" if source == "built-in" else f"  [{source}]"))
        try:
            params = strategy_class(name).params
        except StrategyError:  # a broken plugin: its summary says why
            continue
        for key, p in params.items():
            print(f"{'':18s}{key} = {p.default!r}: {p.help}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench.engine import run_benchmarks

    if args.rl:
        require("pettingzoo", "rl")
        from .bench.rl import run_rl_bench

        run_rl_bench(quick=args.quick, with_profile=args.profile)
        return 0

    run_benchmarks(quick=args.quick, large=args.large)
    if args.strategies:
        from .bench.policing import policing_benchmarks
        from .bench.strategies import bench_global_strategies

        bench_global_strategies()
        policing_benchmarks(quick=args.quick)
    return 0


# ---------------------------------------------------------------------------- batch experiments
def cmd_batch(args: argparse.Namespace) -> int:
    from .batch.executors import open_pool
    from .batch.progress import Progress
    from .batch.runner import describe_run, run_sweep
    from .batch.store import ResultStore
    from .batch.sweep import load_sweep, plugin_modules

    sweep = load_sweep(args.sweep, import_plugins=False)
    plugins = plugin_modules(sweep)
    if plugins:
        print(
            f"sweep {sweep.name}: names plugin strategies ({', '.join(plugins)}): their modules are Python code, "
            + ("not imported in a dry run" if args.dry_run else "imported and run with your rights"),
            file=sys.stderr,
        )
        if not args.dry_run:
            sweep = load_sweep(args.sweep)
    if args.dry_run:
        finished: set[str] = set()
        if args.out and Path(args.out).is_file():
            with ResultStore(args.out, readonly=True) as store:
                finished = store.completed(sweep.name)
        for run in sweep.runs:
            print(("done  " if run.key in finished else "      ") + f"{run.key}  " + describe_run(run))
        print(
            f"sweep {sweep.name}: {len(sweep.runs)} runs ({len(sweep.runs) // sweep.replications} "
            f"configurations x {sweep.replications} replications), {len(finished)} already done"
        )
        return 0
    if not args.out:
        raise UserError("--out DB is required (the results database to write)", key="--out")
    if args.serial and args.executor not in (None, "serial"):
        raise UserError("--serial contradicts --executor " + args.executor, key="--serial")
    kind = "serial" if args.serial else (args.executor or "dask")
    if args.scheduler and kind != "dask":
        raise UserError("--scheduler needs the Dask executor", key="--scheduler")
    with ResultStore(args.out) as store:
        other = store.configs(sweep.name) - {r.config for r in sweep.runs}
        if other:
            print(
                f"sweep {sweep.name}: {args.out} also holds {len(other)} configurations of another version of "
                "this sweep file; results and report show each version apart",
                file=sys.stderr,
            )
        done = len(store.completed(sweep.name) & {r.key for r in sweep.runs})
        if done == len(sweep.runs):
            print(f"sweep {sweep.name}: all {done} runs already complete in {args.out}", file=sys.stderr)
            return 0
        with open_pool(kind, args.workers, args.scheduler) as pool:
            print(
                f"sweep {sweep.name}: {len(sweep.runs) - done} of {len(sweep.runs)} runs to do on {pool.description}",
                file=sys.stderr,
            )
            progress = Progress(len(sweep.runs), done, enabled=not args.quiet)
            try:
                outcome = run_sweep(sweep, store, pool, progress=progress)
            except KeyboardInterrupt:
                progress.close()
                print(
                    f"patrolsim: interrupted: sweep {sweep.name}: {progress.done} more runs finished, kept "
                    f"in {args.out}; run the same command again to resume",
                    file=sys.stderr,
                )
                return 130
    print(
        f"sweep {sweep.name}: {outcome.ok} runs finished, {outcome.skipped} already complete, "
        f"{len(outcome.failed)} failed; results in {args.out}",
        file=sys.stderr,
    )
    for run, error in outcome.failed:
        print(f"FAILED {describe_run(run)}: {error}", file=sys.stderr)
    return 1 if outcome.failed else 0


def cmd_results(args: argparse.Namespace) -> int:
    from .batch.store import open_existing
    from .batch.summary import export, headline_metrics, summary_text, sweep_ids, tidy_rows

    with open_existing(args.db) as store:
        ids = sweep_ids(store, args.sweep)
        metrics = headline_metrics(store, args.metric)
        if args.csv or args.parquet:
            rows = [r for sid in ids for r in store.runs(sid)] if args.per_run else tidy_rows(store, ids, metrics)
            for path, kind in ((args.csv, "csv"), (args.parquet, "parquet")):
                if path:
                    export(rows, path, kind)
                    print(f"wrote {len(rows)} rows to {path}", file=sys.stderr)
        print(summary_text(store, ids, metrics))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    require("matplotlib", "report")
    from .batch.store import open_existing
    from .report import write_report

    with open_existing(args.db) as store:
        page = write_report(store, args.out, sweep=args.sweep, metric=args.metric)
    print(f"wrote {page}", file=sys.stderr)
    return 0


def cmd_bench_batch(args: argparse.Namespace) -> int:
    from .bench.batch import run_batch_bench

    run_batch_bench(
        runs=args.runs, run_seconds=args.run_seconds, workers=args.workers, overhead_runs=args.overhead_runs
    )
    return 0


# ---------------------------------------------------------------------------- flag types
def cmd_compare(args: argparse.Namespace) -> int:
    from .batch.compare import compare, csv_text, json_text, parse_int_set, table_text

    def progress(done: int, total: int, run: dict) -> None:
        print(f"\r{done}/{total} {run['strategy']} R={run['agents']} seed={run['seed']}   ", end="", file=sys.stderr)

    names = [s.strip() for s in args.strategies.split(",") if s.strip()]
    overrides = {k: v for k, v in {"duration": args.duration, "warmup": args.warmup}.items() if v is not None}
    params = strategy_sets(names, set_values(args.set), overrides)
    result = compare(
        args.scenario,
        names,
        parse_int_set(args.agents, "--agents"),
        parse_int_set(args.seeds, "--seeds"),
        overrides,
        None if args.quiet else progress,
        params,
    )
    if not args.quiet:
        print(file=sys.stderr)
    for path, text in ((args.csv, csv_text), (args.json, json_text)):
        if path == "-":
            print(text(result), end="" if text is csv_text else "\n")
        elif path:
            Path(path).write_text(text(result), encoding="utf-8")
    if not args.quiet and "-" not in (args.csv, args.json):
        print(table_text(result))
    return 0


def cmd_rl_train(args: argparse.Namespace) -> int:
    require("pettingzoo", "rl")
    from .batch.compare import parse_int_set, table_text
    from .rl.train import Schedule, compare_learned, train
    from .strategies import strategy_class

    seeds = parse_int_set(args.seeds, "--seeds")
    others = [s.strip() for s in args.strategies.split(",") if s.strip()]
    for name in others:
        strategy_class(name)
    overrides = {k: v for k, v in {"agents": args.agents, "duration": args.duration}.items() if v is not None}
    scenario = load_run_scenario(args.scenario, overrides)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UserError(f"--out {args.out}: no such folder '{out.parent}' to write the policy in")
    every = max(args.episodes // 10, 1)

    def progress(done: int, training) -> None:
        if not args.quiet and (done % every == 0 or done == 1):
            print(
                f"episode {done}/{args.episodes}: {training.steps[-1]:,} steps, mean return per robot "
                f"{training.returns[-1]:.1f}, time-averaged idleness {training.idleness[-1]:,.0f} s "
                f"({training.wall_s:.0f} s)",
                file=sys.stderr,
            )

    print(
        f"training {scenario.agents.count} robots on {scenario.map.name} ({scenario.map.n_nodes:,} nodes), "
        f"{args.episodes} episodes of {scenario.duration:,.0f} s",
        file=sys.stderr,
    )
    training = train(scenario, args.episodes, args.seed, Schedule(alpha=args.alpha, gamma=args.gamma), progress)
    try:
        path = training.policy.save(out)
    except OSError as exc:
        raise UserError(f"--out {args.out}: cannot write the policy ({exc.strerror or type(exc).__name__})") from None
    print(f"wrote {path} (train: {training.wall_s:.0f} s, {sum(training.steps):,} steps)", file=sys.stderr)
    comparison = compare_learned(
        args.scenario,
        path,
        [scenario.agents.count],
        seeds,
        others,
        {k: v for k, v in overrides.items() if k != "agents"},
    )
    print(table_text(comparison))
    print(
        f"(rl = the learned policy; run it: patrolsim gui {args.scenario} --agents {scenario.agents.count} "
        f"--strategy rl --set strategy.policy={path})",
        file=sys.stderr,
    )
    return 0


def strategy_sets(names: list[str], values: dict, overrides: dict) -> dict[str, dict]:
    """Split --set values of ``patrolsim compare``: a strategy.KEY goes to each of ``names`` that takes KEY
    (a UserError when none does); every other key joins ``overrides`` (all runs)."""
    from .strategies import strategy_class

    out: dict[str, dict] = {}
    for key, value in values.items():
        table, _, name = key.partition(".")
        if table != "strategy":
            overrides[key] = value
            continue
        takers = [s for s in names if name in strategy_class(s).params]
        if not takers:
            raise UserError(f"--set {key}: none of the strategies {', '.join(names)} takes the parameter '{name}'")
        for s in takers:
            out.setdefault(s, {})[name] = value
    return out


def _number(kind, test, expect):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expect}, got {text!r}") from None
        if not (finite(value) and test(value)):
            raise argparse.ArgumentTypeError(f"expected {expect}, got {text!r}")
        return value

    return parse


_positive_int = _number(int, lambda v: v > 0, "a whole number >= 1")
_non_negative_int = _number(int, lambda v: v >= 0, "a whole number >= 0")
_positive_float = _number(float, lambda v: v > 0, "a number > 0")
_non_negative_float = _number(float, lambda v: v >= 0, "a number >= 0")
_learning_rate = _number(float, lambda v: 0 < v <= 1, "a number in (0, 1]")
_discount = _number(float, lambda v: 0 <= v < 1, "a number in [0, 1)")

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
