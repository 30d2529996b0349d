"""Mutation testing of the trust core: would the tests notice a small bug in these modules?

    python tools/mutate.py run --module privacy/decisions.py [--database postgresql]
    python tools/mutate.py report
    python tools/mutate.py all          # what ``make mutate`` runs: every module, then the report

Each mutant (``tools/mutants.py``) is applied inside one running pytest session, by swapping the
code of the one function (or the defaults, or the module constants) it changes, and the module's
own tests run against it, stopping at the first failure. A pytest process per mutant would spend
most of its time starting Django and migrating a test database; here that happens once per module.

Only the tests that ran the changed lines in a first, unmutated pass run against a mutant, the
quickest first; a mutant in no test's path survives without running anything. A test that runs
far past its unmutated time is stopped and counts as a kill (by time-out): the mutant hung it.
After the last mutant the tests run once more unmutated; if one fails, the run is void.

Results go to ``test-output/mutation/<module>.<database>.json``; ``report`` merges the databases
(a mutant counts as killed when a test on either database killed it) and prints, per module, the
score and every survivor.
"""

from __future__ import annotations

import argparse
import builtins
import functools
import hashlib
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import Mutant, apply, find_mutants

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "indigomed"
OUT = ROOT / "test-output" / "mutation"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/mutate"


@dataclass(frozen=True)
class Target:
    """A module under mutation, the tests that speak for it, and the databases its branches need."""

    module: str  # path under src/indigomed
    tests: tuple[str, ...]
    databases: tuple[str, ...] = ("sqlite",)


# Writing the ledger and checking it are two modules, answered for by the same tests.
LEDGER_TESTS = (
    "tests/privacy/test_ledger.py",
    "tests/privacy/test_ledger_properties.py",
    "tests/privacy/test_checkpoint_workers.py",
    "tests/privacy/test_disclosed_once.py",
    "tests/privacy/test_ledger_known_answers.py",
)
# Writing messages and delivering them are two modules, answered for by the same tests.
OUTBOX_TESTS = (
    "tests/messaging/test_outbox.py",
    "tests/messaging/test_told_when_delivered.py",
    "tests/messaging/test_confidential_communications.py",
    "tests/messaging/test_writing_to_members.py",
    "tests/messaging/test_marketing.py",
    "tests/messaging/test_delivery_edges.py",
    # A dependent's messages go to their guardian (CHILD-3): the delivery's reader and wording.
    "tests/messaging/test_dependents_messages.py",
)

# The trust core: deciding (privacy), keeping the record (ledger), the policy the decisions read,
# the slots a member may book, delivering messages and where they may go, and the legal clocks.
TARGETS = (
    Target(
        "privacy/decisions.py",
        (
            "tests/privacy/test_decision_point.py",
            "tests/privacy/test_who_may_receive.py",
            "tests/privacy/test_business_partners.py",
            "tests/privacy/test_merger_transfer.py",
            "tests/privacy/test_legal_demands.py",
            "tests/privacy/test_restriction_paid_in_full.py",
            "tests/privacy/test_sensitive_visit_history.py",
            "tests/privacy/test_decision_edges.py",
        ),
    ),
    Target("privacy/ledger.py", LEDGER_TESTS, ("sqlite", "postgresql")),
    Target("privacy/ledger_checks.py", LEDGER_TESTS, ("sqlite", "postgresql")),
    Target(
        "privacy/policy.py",
        (
            "tests/privacy/test_policy_file.py",
            "tests/privacy/test_accounting.py",
            "tests/privacy/test_policy_file_mistakes.py",
        ),
    ),
    Target(
        "scheduling/availability.py",
        (
            "tests/scheduling/test_availability.py",
            "tests/scheduling/test_time_off_is_closed.py",
            "tests/scheduling/test_weekly_rules_edges.py",
        ),
    ),
    Target("messaging/outbox.py", OUTBOX_TESTS, ("sqlite", "postgresql")),
    Target("messaging/delivery.py", OUTBOX_TESTS, ("sqlite", "postgresql")),
    Target(
        "messaging/routing.py",
        (
            "tests/messaging/test_confidential_communications.py",
            "tests/messaging/test_routing_choices.py",
        ),
    ),
    Target("rights/deadlines.py", ("tests/rights/test_due_dates.py",)),
)


def target(module: str) -> Target:
    for t in TARGETS:
        if t.module == module:
            return t
    raise SystemExit(f"unknown module {module!r}; the modules are: {', '.join(t.module for t in TARGETS)}")


# --- Applying a mutant in a running process ----------------------------------------------------


def _function_of(holder: Any) -> FunctionType | None:
    """The plain function behind a method, class method, static method, property or cache."""
    for attr in ("__func__", "fget", "__wrapped__"):
        inner = getattr(holder, attr, None)
        if inner is not None:
            return _function_of(inner)
    return holder if isinstance(holder, FunctionType) else None


_PLAIN = (int, float, str, bytes, bool, tuple, frozenset, dict, list, set, type(None))
# What a module defines rather than computes: replacing these would break identity (isinstance).
_DEFINED = (FunctionType, type, ModuleType, functools._lru_cache_wrapper)


class Swap:
    """Puts a mutant's code into the live module and takes it out again."""

    def __init__(self, module: ModuleType, source: str, path: Path) -> None:
        self.module = module
        self.source = source
        self.path = path
        self.undo: list[tuple[Any, str, Any]] = []

    def _set(self, owner: Any, name: str, value: Any) -> None:
        self.undo.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def _swap_function(self, live: Any, new: Any) -> None:
        live_fn, new_fn = _function_of(live), _function_of(new)
        if live_fn is None or new_fn is None:
            return
        for attr in ("__code__", "__defaults__", "__kwdefaults__"):
            if getattr(live_fn, attr) != getattr(new_fn, attr):
                self._set(live_fn, attr, getattr(new_fn, attr))

    def apply(self, mutant: Mutant) -> None:
        tree = apply(self.source, mutant)
        namespace: dict[str, Any] = {
            "__name__": self.module.__name__,
            "__file__": str(self.path),
            "__builtins__": builtins,
            "__package__": self.module.__package__,
        }
        exec(compile(tree, str(self.path), "exec"), namespace)  # noqa: S102 - the module's own source, changed once
        kind = mutant.scope[0]
        if kind == "function":
            self._swap_function(getattr(self.module, mutant.scope[1]), namespace[mutant.scope[1]])
        elif kind == "method":
            live_class, new_class = getattr(self.module, mutant.scope[1]), namespace[mutant.scope[1]]
            self._swap_function(live_class.__dict__[mutant.scope[2]], new_class.__dict__[mutant.scope[2]])
        elif kind == "class":
            # A field's default: a dataclass bakes it into __init__'s defaults.
            live_class, new_class = getattr(self.module, mutant.scope[1]), namespace[mutant.scope[1]]
            self._swap_function(live_class.__init__, new_class.__init__)
            for name, value in new_class.__dict__.items():
                if isinstance(value, _PLAIN) and name in live_class.__dict__ and live_class.__dict__[name] != value:
                    self._set(live_class, name, value)
        else:
            # A module constant, and whatever the module built from it (a query text, a table).
            for name, value in namespace.items():
                if name.startswith("__") or not hasattr(self.module, name) or isinstance(value, _DEFINED):
                    continue
                live = getattr(self.module, name)
                if type(live) is not type(value) or live != value:
                    self._set(self.module, name, value)
        self.clear_caches()

    def restore(self) -> None:
        while self.undo:
            owner, name, value = self.undo.pop()
            setattr(owner, name, value)
        self.clear_caches()

    def clear_caches(self) -> None:
        # A cache filled under a mutant (the compiled policy) must not outlive it.
        for value in vars(self.module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()


# --- The pytest plugin that runs the mutants ---------------------------------------------------


class TimedOut(BaseException):
    """A test ran far past its unmutated time; ``BaseException`` so that no ``except Exception`` in
    the code under test swallows it."""


class _SessionOnly:
    """A stand-in for "the next test" that keeps only session fixtures (the test database) set up."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def listchain(self) -> list[Any]:
        return [self.session]


@dataclass
class Outcome:
    index: int
    key: str
    operator: str
    line: int
    before: str
    after: str
    status: str  # killed | timeout | survived | uncovered
    by: str = ""
    tests_run: int = 0
    seconds: float = 0.0


@dataclass
class Run:
    module: str
    database: str
    mutants: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    baseline_seconds: float = 0.0
    seconds: float = 0.0
    recheck_failed: list[str] = field(default_factory=list)
    commit: str = ""
    source_sha: str = ""
    updated: list[int] = field(default_factory=list)  # mutants run again after the full run
    left_out: list[str] = field(default_factory=list)  # tests failing without a mutant


class MutationPlugin:
    def __init__(self, target: Target, database: str, only: set[int] | None) -> None:
        self.target = target
        self.path = SOURCE / target.module
        self.source = self.path.read_text(encoding="utf-8")
        self.mutants = find_mutants(self.source)
        self.only = only
        self.run = Run(target.module, database, len(self.mutants))
        self.run.source_sha = hashlib.sha256(self.source.encode()).hexdigest()[:16]
        self.lines_of: dict[str, set[int]] = {}
        self.seconds_of: dict[str, float] = {}
        self.last_failure = ""

    # Each test run with a time limit (SIGALRM reaches a hung pure-Python loop) and no reporting.
    def _run_item(self, item: Any, limit: float | None) -> tuple[bool, bool]:
        from _pytest.runner import runtestprotocol

        def alarm(signum: int, frame: Any) -> None:
            raise TimedOut(f"over {limit:.0f} s")

        previous = signal.signal(signal.SIGALRM, alarm)
        if limit:
            signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            reports = runtestprotocol(item, log=False, nextitem=_SessionOnly(item.session))  # type: ignore[arg-type]
        except TimedOut:
            return False, True
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        failed = any(r.failed for r in reports)
        self.last_failure = next((str(r.longrepr) for r in reports if r.failed), "")
        timed_out = failed and any("TimedOut" in str(r.longrepr) for r in reports if r.failed)
        return not failed, timed_out

    def _baseline(self, items: list[Any], swap: Swap) -> None:
        """Every test once, unmutated, noting which lines of the module each one runs."""
        target_file = str(self.path)
        current: set[int] = set()

        def local(frame: Any, event: str, arg: Any) -> Any:
            if event == "line":
                current.add(frame.f_lineno)
            return local

        def tracer(frame: Any, event: str, arg: Any) -> Any:
            if frame.f_code.co_filename == target_file:
                current.add(frame.f_lineno)
                return local
            return None

        started = time.monotonic()
        for item in items:
            current = set()
            # What a cache of the module (the compiled policy) holds is computed again for each
            # test, so the lines behind it count for the tests that rely on it.
            swap.clear_caches()
            sys.settrace(tracer)
            threading.settrace(tracer)
            began = time.monotonic()
            try:
                ok, _ = self._run_item(item, None)
            finally:
                sys.settrace(None)
                threading.settrace(None)  # type: ignore[arg-type]
            if not ok:
                # Once more, untraced: a test that passes then is flaky under load, and is left out
                # rather than counting as a kill of every mutant it meets.
                print("\n".join(self.last_failure.splitlines()[-12:]), flush=True)
                again, _ = self._run_item(item, None)
                print(f"\n{item.nodeid} fails without any mutant{'' if again else ', twice'}: left out", flush=True)
                self.run.left_out.append(item.nodeid)
                continue
            self.seconds_of[item.nodeid] = time.monotonic() - began
            self.lines_of[item.nodeid] = current
        self.run.baseline_seconds = time.monotonic() - started

    def _tests_for(self, mutant: Mutant, items: list[Any]) -> list[Any]:
        if mutant.scope[0] in ("module", "class"):
            chosen = items  # a constant or a default read anywhere
        else:
            first, last = mutant.function_lines if mutant.in_signature else (mutant.line, mutant.end_line)
            lines = set(range(first, last + 1))
            chosen = [item for item in items if self.lines_of[item.nodeid] & lines]
        return sorted(chosen, key=lambda item: self.seconds_of[item.nodeid])

    def pytest_runtestloop(self, session: Any) -> bool:
        module = importlib.import_module("indigomed." + self.target.module.removesuffix(".py").replace("/", "."))
        swap = Swap(module, self.source, self.path)
        started = time.monotonic()
        self._baseline(list(session.items), swap)
        items = [item for item in session.items if item.nodeid in self.lines_of]
        print(
            f"\n{self.target.module} on {self.run.database}: {len(items)} tests, unmutated in "
            f"{self.run.baseline_seconds:.0f} s; {len(self.mutants)} mutants",
            flush=True,
        )
        ranks: Counter[str] = Counter()
        for mutant in self.mutants:
            ranks[mutant.key] += 1
            key = f"{mutant.key} #{ranks[mutant.key]}" if ranks[mutant.key] > 1 else mutant.key
            if self.only is not None and mutant.index not in self.only:
                continue
            outcome = Outcome(mutant.index, key, mutant.operator, mutant.line, mutant.before, mutant.after, "survived")
            chosen = self._tests_for(mutant, items)
            began = time.monotonic()
            if not chosen:
                outcome.status = "uncovered"
            else:
                swap.apply(mutant)
                try:
                    for item in chosen:
                        outcome.tests_run += 1
                        limit = max(20.0, 5 * self.seconds_of[item.nodeid])
                        ok, timed_out = self._run_item(item, limit)
                        if not ok:
                            outcome.status, outcome.by = ("timeout" if timed_out else "killed"), item.nodeid
                            break
                finally:
                    swap.restore()
            outcome.seconds = round(time.monotonic() - began, 2)
            self.run.outcomes.append(outcome)
            mark = {"killed": ".", "timeout": "T", "survived": "S", "uncovered": "U"}[outcome.status]
            print(mark, end="" if len(self.run.outcomes) % 60 else "\n", flush=True)
        # The same tests, unmutated again: a failure now means some mutant left something behind.
        for item in items:
            ok, _ = self._run_item(item, None)
            if not ok:
                self.run.recheck_failed.append(item.nodeid)
        self.run.seconds = round(time.monotonic() - started, 1)
        print(flush=True)
        return True


def run_module(module: str, database: str, only: set[int] | None) -> int:
    import hypothesis
    import pytest

    # Reproducible and quick to fail: the same examples every time, no shrinking of a failure.
    # Loaded before the test modules are imported, so their own @settings inherit it.
    hypothesis.settings.register_profile(
        "mutation",
        derandomize=True,
        database=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.reuse, hypothesis.Phase.generate],
        deadline=None,
    )
    hypothesis.settings.load_profile("mutation")
    chosen = target(module)
    tests = [t for t in chosen.tests if (ROOT / t).exists()]
    plugin = MutationPlugin(chosen, database, only)
    os.chdir(ROOT)
    code = pytest.main(["-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-W", "ignore", *tests], plugins=[plugin])
    if code not in (0, pytest.ExitCode.OK):
        print(f"pytest stopped with {code}")
        return int(code)
    plugin.run.commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, as make finds it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{module.replace('/', '.').removesuffix('.py')}.{database}.json"
    if only is not None:
        # Some mutants again (after new tests): their outcomes replace the last full run's.
        previous = _read(path)
        if previous is None or previous.source_sha != plugin.run.source_sha:
            raise SystemExit(f"{path.name}: no full run of this very source to update; run the module whole")
        again = {o.index: o for o in plugin.run.outcomes}
        previous.outcomes = [again.get(o.index, o) for o in previous.outcomes]
        previous.seconds = plugin.run.seconds
        previous.recheck_failed = plugin.run.recheck_failed
        previous.updated = sorted(set(previous.updated) | set(again))
        plugin.run = previous
    path.write_text(json.dumps(asdict(plugin.run), indent=1), encoding="utf-8")
    summary(plugin.run.module, [plugin.run])
    return 1 if plugin.run.recheck_failed else 0


# --- Reporting ----------------------------------------------------------------------------------


def _read(path: Path) -> Run | None:
    if not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["outcomes"] = [Outcome(**o) for o in raw["outcomes"]]
    return Run(**raw)


def _load(module: str) -> list[Run]:
    name = module.replace("/", ".").removesuffix(".py")
    runs = [_read(OUT / f"{name}.{database}.json") for database in ("sqlite", "postgresql")]
    return [run for run in runs if run is not None]


def _survivors(module: str, database: str) -> set[int]:
    run = _read(OUT / f"{module.replace('/', '.').removesuffix('.py')}.{database}.json")
    if run is None:
        raise SystemExit(f"{module} has no run on {database} yet")
    return {o.index for o in run.outcomes if o.status in ("survived", "uncovered")}


def summary(module: str, runs: list[Run]) -> tuple[int, int] | None:
    """Print a module's score (killed on any database) and its survivors; return (killed, mutants)."""
    if not runs:
        print(f"{module}: not run")
        return None
    # Per mutant, the most telling outcome over the databases: a kill, else a survival with tests run.
    rank = {"uncovered": 0, "survived": 1, "timeout": 2, "killed": 3}
    best: dict[int, Outcome] = {}
    for run in runs:
        for outcome in run.outcomes:
            held = best.get(outcome.index)
            if held is None or rank[outcome.status] > rank[held.status]:
                best[outcome.index] = outcome
    total = len(best)
    killed = sum(1 for o in best.values() if o.status in ("killed", "timeout"))
    timeouts = sum(1 for o in best.values() if o.status == "timeout")
    databases = " + ".join(f"{r.database} ({r.seconds / 60:.1f} min)" for r in runs)
    score = 100 * killed / total if total else 100.0
    print(f"{module}: {killed}/{total} killed ({timeouts} by time-out), score {score:.1f} % — {databases}")
    for run in runs:
        if run.left_out:
            print(f"  on {run.database}, left out as failing unmutated: {', '.join(run.left_out)}")
        if run.recheck_failed:
            print(f"  VOID on {run.database}: unmutated tests failed afterwards: {', '.join(run.recheck_failed)}")
    for outcome in sorted(best.values(), key=lambda o: o.index):
        if outcome.status in ("survived", "uncovered"):
            note = " (no test runs this line)" if outcome.status == "uncovered" else ""
            print(f"  survived #{outcome.index} line {outcome.line} [{outcome.operator}] {outcome.key}{note}")
    return killed, total


def report() -> None:
    print("Mutation score per module (killed on either database / all mutants)")
    for t in TARGETS:
        summary(t.module, _load(t.module))


def _reachable(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=5).close()
    except psycopg.Error:
        return False
    return True


def run_all(postgres_url: str | None) -> int:
    """Every module, one at a time, each in its own process; PostgreSQL where a module has branches for it."""
    failed = 0
    for t in TARGETS:
        for database in t.databases:
            env = dict(os.environ)
            if database == "postgresql":
                if not postgres_url or not _reachable(postgres_url):
                    print(f"{t.module}: PostgreSQL skipped (no server at MUTATE_DATABASE_URL)")
                    continue
                env["DATABASE_URL"] = postgres_url
            else:
                env.pop("DATABASE_URL", None)
            command = [sys.executable, __file__, "run", "--module", t.module, "--database", database]
            failed |= subprocess.run(command, env=env, check=False).returncode  # noqa: S603 - this very script
    report()
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("run", help="mutate one module on one database")
    one.add_argument("--module", required=True)
    one.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    one.add_argument("--only", help="comma-separated mutant numbers, to check a few again")
    one.add_argument("--survivors", action="store_true", help="only the last run's survivors, again")
    commands.add_parser("report", help="print the scores and survivors of the last runs")
    every = commands.add_parser("all", help="every module, then the report")
    every.add_argument("--postgres", default=os.environ.get("MUTATE_DATABASE_URL", ""))
    commands.add_parser("list", help="print every mutant of every module, without running anything")
    args = parser.parse_args()
    if args.command == "run":
        url = os.environ.get("DATABASE_URL", "")
        if (args.database == "postgresql") != url.startswith("postgres"):
            raise SystemExit("--database postgresql needs DATABASE_URL=postgres://…, and sqlite needs it unset")
        only = {int(n) for n in args.only.split(",")} if args.only else None
        if args.survivors:
            only = _survivors(args.module, args.database)
        return run_module(args.module, args.database, only)
    if args.command == "report":
        report()
        return 0
    if args.command == "list":
        for t in TARGETS:
            for m in find_mutants((SOURCE / t.module).read_text(encoding="utf-8")):
                print(f"{t.module} #{m.index} line {m.line} [{m.operator}] {m.key}")
        return 0
    return run_all(args.postgres or None)


if __name__ == "__main__":
    sys.exit(main())
