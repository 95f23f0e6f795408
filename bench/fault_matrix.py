"""Issue 15's fault matrix, reproducible: interrupts, a closed terminal, parallel runs and broken homes.

Real CLI (this tree's code), real SeaweedFS, a real terminal (tmux), real mounts. Each trial gets a home
of its own under one temporary folder (made where TMPDIR says; the caller's WORKSHOP_HOME is never read
or written: every command is given its trial's). It prints one row per trial and the issue's four figures:

- interrupts tried / orphans: SIGINT (to the process group, as Ctrl+C sends it), SIGTERM, SIGKILL and SIGHUP
  to `workshop run 4` while the object store starts (its record appears as soon as weed is launched), as
  soon as it is ready (the run's first task has started) and mid-run (the training has logged its first
  epoch); and `workshop start` in tmux, lesson 4 running, its session killed. An orphan is a process of
  the trial's home (its WORKSHOP_HOME in the environment, its path in the command line, or its folder
  under it) alive 5 s after the signal;
- concurrent attempts / recorded: 4 `workshop run 1` at once on one home, 3 times; recorded means the attempt
  is counted and each process graded the run it printed, which the store holds as SUCCEEDED;
- faults injected / tracebacks: bad arguments and broken homes, a Python traceback in any output;
- lost rows: passed lessons before the fault and after it (read once the next command has run).

Also counted: weed's unix sockets of the trial left in /tmp, and runs still RUNNING after the next command.
Every process it starts is stopped by pid, every mount undone, the temporary folder removed.
Usage: python bench/fault_matrix.py [--only interrupts,tmux,concurrent,faults]
Lesson 4 only for the object store's interrupts, lesson 1 for the rest: about 5 min on 2 loaded cores.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE = 5.0  # the bound
TRACEBACK = "Traceback (most recent call last)"
SOCKETS = "/tmp/seaweedfs-*.sock"


@dataclass
class Row:
    group: str
    case: str
    orphans: int = 0
    tracebacks: int = 0
    lost: int = 0
    recorded: str = ""
    note: str = ""
    sockets: int = 0
    attempts: int = 0
    recorded_n: int = 0
    survivors: list[str] = field(default_factory=list)


ROWS: list[Row] = []
STARTED: list[subprocess.Popen[bytes]] = []
MOUNTS: list[Path] = []
TMUX: list[str] = []


# --- processes ---------------------------------------------------------------------------
def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def of_home(home: Path, skip: set[int] = frozenset()) -> list[tuple[int, str]]:  # type: ignore[assignment]
    """Live processes of this home: WORKSHOP_HOME in their environment, its path in their argv or as cwd."""
    want, found = str(home), []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in skip or int(entry) == os.getpid():
            continue
        try:
            env = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        ours = any(v.startswith(b"WORKSHOP_HOME=") and os.fsdecode(v[14:]).startswith(want) for v in env)
        if (ours or want in argv or cwd.startswith(want)) and _alive(int(entry)):
            found.append((int(entry), argv.strip()[:90]))
    return found


def kill_home(home: Path) -> None:
    for _ in range(3):
        left = of_home(home)
        if not left:
            return
        for pid, _ in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)


def wait_for(cond: Callable[[], object], timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() >= deadline:
            return False
        time.sleep(step)
    return True


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSHOP_")}
    tmp = home.parent / f"{home.name}.tmp"
    tmp.mkdir(exist_ok=True)
    return {**env, "WORKSHOP_HOME": str(home), "WORKSHOP_BACKEND": "local", "PYTHONPATH": str(ROOT),
            "TMPDIR": str(tmp), "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1"}


def cli(home: Path, *args: str, timeout: float = 120) -> tuple[int, str]:
    try:
        done = subprocess.run([sys.executable, "-m", "workshop", "--lang", "en", *args], env=env_for(home),
                              cwd="/", capture_output=True, text=True, timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return 124, out + f"\n[timed out after {timeout} s]"
    return done.returncode, done.stdout + done.stderr


def spawn(home: Path, *args: str, out: Path) -> subprocess.Popen[bytes]:
    with open(out, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "workshop", "--lang", "en", *args], env=env_for(home),
                                cwd="/", stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    STARTED.append(proc)
    return proc


# --- the progress store, read from a copy so that reading changes nothing ---------------
def progress(home: Path) -> tuple[int, int, dict[int, int], list[tuple[str, str]]]:
    """(passed lessons, runs RUNNING, attempts by lesson, [(run_id, state)]) of this home's progress.db."""
    db = home / "progress.db"
    if not db.is_file():
        return 0, 0, {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in ("", "-wal"):
            if Path(f"{db}{suffix}").is_file():
                shutil.copyfile(f"{db}{suffix}", f"{tmp}/p.db{suffix}")
        try:
            conn = sqlite3.connect(f"{tmp}/p.db")
            try:
                passed = conn.execute("SELECT COUNT(*) FROM lesson_progress WHERE state = 'passed'").fetchone()[0]
                attempts = dict(conn.execute("SELECT lesson_id, attempts FROM lesson_progress").fetchall())
                runs = conn.execute("SELECT run_id, state FROM runs").fetchall()
            finally:
                conn.close()
        except sqlite3.Error:
            return 0, 0, {}, []
    return passed, sum(state == "RUNNING" for _, state in runs), attempts, runs


def new_home(base: Path, name: str, seed: Path | None) -> Path:
    home = base / name
    home.mkdir()
    if seed is not None:
        shutil.copyfile(seed, home / "progress.db")
    return home


def own_sockets(home: Path, ports: dict[str, int]) -> list[str]:
    """weed's sockets of this trial: its gRPC ones in /tmp (by port), its s3 and filer ones by the data."""
    grpc = [p for p in glob.glob(SOCKETS) if any(p.endswith(f"-{port}.sock") for port in ports.values())]
    return grpc + glob.glob(f"{glob.escape(str(home))}/local/objectstore/*.sock")


# --- interrupts --------------------------------------------------------------------------
def interrupt(base: Path, seed: Path, sig: signal.Signals, phase: str) -> None:
    home = new_home(base, f"int-{sig.name}-{phase}", seed)
    before = progress(home)[0]
    out = base / f"{home.name}.out"
    record = home / "local" / "objectstore" / "server.json"
    proc = spawn(home, "run", "4", out=out)
    ports: dict[str, int] = {}

    def reached() -> bool:
        if proc.poll() is not None:
            return True
        if phase == "store-start":
            return record.is_file()
        if phase == "store-ready":  # the store answered and the run's first task has just started
            return "▶ " in out.read_text(errors="replace")
        return any("epoch 1/" in Path(p).read_text(errors="replace")
                   for p in glob.glob(f"{home}/local/runs/*/logs/*.log"))

    row = Row("interrupt", f"run 4, {sig.name}{' (group)' if sig == signal.SIGINT else ''}, {phase}")
    if not wait_for(reached, 150) or proc.poll() is not None:
        row.note = f"not reached: the run ended first (exit {proc.poll()})"
    with contextlib.suppress(ValueError, OSError, KeyError):
        ports = json.loads(record.read_text())["ports"]
    t0 = time.monotonic()
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # Ctrl+C reaches the terminal's whole foreground group
    else:
        proc.send_signal(sig)
    finish(row, home, proc, t0, before, out, ports)
    ROWS.append(row)


def finish(row: Row, home: Path, proc: subprocess.Popen[bytes] | None, t0: float, before: int, out: Path | None,
           ports: dict[str, int]) -> None:
    skip = {proc.pid} if proc is not None else set()
    wait_for(lambda: (proc is None or proc.poll() is not None) and not of_home(home, skip), GRACE, 0.05)
    time.sleep(max(0.0, t0 + GRACE - time.monotonic()))
    survivors = of_home(home, skip)
    row.orphans = len(survivors)
    row.survivors = [f"{pid} {argv}" for pid, argv in survivors]
    if proc is not None:
        ended = proc.poll()
        row.note = row.note or (f"cli exit {ended}" if ended is not None else "cli still alive after 5 s")
        if ended is None:
            row.orphans += 1
            row.survivors.append(f"{proc.pid} the signalled cli")
    kill_home(home)
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()
    text = out.read_text(errors="replace") if out is not None and out.is_file() else ""
    code, nxt = cli(home, "list")  # the next command: it must cope, and close what the dead one left
    row.tracebacks = text.count(TRACEBACK) + nxt.count(TRACEBACK)
    passed, running, _, _ = progress(home)
    row.lost = max(0, before - passed)
    left = own_sockets(home, ports)
    row.sockets = len(left)
    if left:  # how late: the keeper removes them once weed has ended, the next start sweeps them
        gone = wait_for(lambda: not any(os.path.lexists(p) for p in left), 10.0, 0.1)
        row.survivors += [f"socket left: {path} ({'gone' if gone else 'still there'} 10 s later)" for path in left]
    row.recorded = f"sockets left {row.sockets}, RUNNING left {running}"
    kill_home(home)


def closed_terminal(base: Path, seed: Path, phase: str) -> None:
    home = new_home(base, f"tmux-{phase}", seed)
    before = progress(home)[0]
    row = Row("interrupt", f"app in tmux, lesson 4, kill-session, {phase}")
    sock = f"fm{os.getpid()}"
    TMUX.append(sock)
    env = env_for(home)
    command = " ".join(f"{k}={shlex_quote(v)}" for k, v in env.items() if k in (
        "WORKSHOP_HOME", "WORKSHOP_BACKEND", "PYTHONPATH", "TMPDIR", "LANG"))
    command = f"env {command} {sys.executable} -m workshop --lang en start"
    subprocess.run(["tmux", "-L", sock, "new-session", "-d", "-s", "fm", "-x", "100", "-y", "30", command],
                   check=True, env={k: v for k, v in os.environ.items() if not k.startswith("WORKSHOP_")})

    def screen() -> str:
        return subprocess.run(["tmux", "-L", sock, "capture-pane", "-p", "-t", "fm"], capture_output=True,
                              text=True).stdout

    record = home / "local" / "objectstore" / "server.json"
    ports: dict[str, int] = {}
    if not wait_for(lambda: "Store a trained model" in screen(), 90, 0.2):
        row.note = "the app never showed lesson 4"
    subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "fm", "r"], check=False)
    if phase == "store-start":
        reached = wait_for(record.is_file, 120)
    else:
        reached = wait_for(lambda: any("epoch 1/" in Path(p).read_text(errors="replace")
                                       for p in glob.glob(f"{home}/local/runs/*/logs/*.log")), 150, 0.1)
    if not reached:
        row.note = row.note or f"{phase} not reached"
    with contextlib.suppress(ValueError, OSError, KeyError):
        ports = json.loads(record.read_text())["ports"]
    t0 = time.monotonic()
    subprocess.run(["tmux", "-L", sock, "kill-server"], check=False)
    TMUX.remove(sock)
    finish(row, home, None, t0, before, None, ports)
    row.note = row.note or "terminal closed"
    ROWS.append(row)


def shlex_quote(value: str) -> str:
    import shlex

    return shlex.quote(value)


# --- parallel runs -----------------------------------------------------------------------
def concurrent(base: Path, round_: int, n: int = 4) -> None:
    home = new_home(base, f"concurrent-{round_}", None)
    outs = [base / f"concurrent-{round_}-{i}.out" for i in range(n)]
    procs = [spawn(home, "run", "1", out=out) for out in outs]
    for proc in procs:
        try:
            proc.wait(timeout=240)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    texts = [out.read_text(errors="replace") for out in outs]
    _, _, attempts, runs = progress(home)
    states = dict(runs)
    graded = 0
    for text in texts:
        ids = re.findall(r"run: (\S+)", text)
        if ids and states.get(ids[-1]) == "SUCCEEDED" and "Lesson 1 passed" in text:
            graded += 1
    row = Row("concurrent", f"{n} x run 1 on one home, round {round_ + 1}")
    wait_for(lambda: not of_home(home), GRACE, 0.05)
    survivors = of_home(home)
    row.orphans, row.survivors = len(survivors), [f"{pid} {argv}" for pid, argv in survivors]
    row.attempts, row.recorded_n = n, min(attempts.get(1, 0), len(runs), graded)
    row.tracebacks = sum(t.count(TRACEBACK) for t in texts)
    row.recorded = (f"attempts counted {attempts.get(1, 0)}/{n}, runs stored {len(runs)}/{n}, "
                    f"graded on own run {graded}/{n}")
    row.note = f"exit codes {[p.returncode for p in procs]}"
    ROWS.append(row)
    kill_home(home)


# --- bad arguments and broken homes ------------------------------------------------------
BAD_ARGS: list[list[str]] = [
    ["run", "99"], ["run", "0"], ["run", "abc"], ["run", "--", "-1"], ["run", "1", "--arg", "a"],
    ["run", "1", "--arg", "a=notanumber"], ["run", "1", "--arg", "zz=1"], ["run", "1", "--pipeline", "/nonexistent.py"],
    ["run", "1", "--pipeline", "/etc/hostname"], ["run", "--all", "--arg", "zz=1"], ["check", "99"],
    ["reset", "99"], ["solution", "99"], ["exercise", "99"], ["graph", "99"], ["skip", "99"],
    ["run", "1", "--backend", "nowhere"], ["progress", "--bogus"], ["list", "extra"], ["run", "1", "2"],
]


def fault(base: Path, seed: Path, name: str, commands: list[list[str]],
          setup: Callable[[Path], None] | None = None, teardown: Callable[[Path], None] | None = None,
          seeded: bool = True, home: Path | None = None, destroys: bool = False) -> None:
    """`destroys`: the fault itself wrecks the file, so its rows are not counted as lost."""
    home = home or new_home(base, f"fault-{len([r for r in ROWS if r.group == 'fault'])}", seed if seeded else None)
    before = progress(home)[0] if seeded and not destroys else 0
    row = Row("fault", name)
    outputs = []
    try:
        if setup is not None:
            setup(home)
        for args in commands:
            code, out = cli(home, *args, timeout=90)
            outputs.append((args, code, out))
    finally:
        if teardown is not None:
            teardown(home)
    row.tracebacks = sum(out.count(TRACEBACK) for _, _, out in outputs)
    if seeded and not destroys and home.is_dir():
        row.lost = max(0, before - progress(home)[0])
    last = [line for _, _, out in outputs for line in out.strip().splitlines()[-1:]]
    row.note = f"exit {[code for _, code, _ in outputs]}: {last[-1][:70] if last else ''}"
    if row.tracebacks:
        tail = next(out for _, _, out in outputs if TRACEBACK in out).strip().splitlines()[-1]
        row.survivors = [f"traceback ends: {tail[:150]}"]
    ROWS.append(row)
    if home.is_dir():
        kill_home(home)


def mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def bind_read_only(path: Path) -> None:
    if not (mount("--bind", str(path), str(path)) and mount("-o", "remount,ro,bind", str(path))):
        raise RuntimeError(f"cannot bind-mount {path} read-only")
    MOUNTS.append(path)


def unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)
    with contextlib.suppress(ValueError):
        MOUNTS.remove(path)


def faults(base: Path, seed: Path) -> None:
    for args in BAD_ARGS:
        fault(base, seed, "bad args: " + " ".join(args), [args])
    file_home = base / "home-is-a-file"
    file_home.write_text("not a folder\n")
    fault(base, seed, "WORKSHOP_HOME is a regular file", [["list"], ["run", "1"]], seeded=False, home=file_home)
    file_home.unlink()
    fault(base, seed, "read-only home (ro bind mount)", [["list"], ["run", "1"], ["progress"]],
          setup=bind_read_only, teardown=unmount)
    fault(base, seed, "read-only progress.db (ro bind mount)", [["list"], ["run", "1"]],
          setup=lambda h: bind_read_only(h / "progress.db"), teardown=lambda h: unmount(h / "progress.db"))
    fault(base, seed, "zero-byte progress.db", [["list"], ["run", "1"]],
          setup=lambda h: (h / "progress.db").write_bytes(b""), destroys=True)
    fault(base, seed, "progress.db of random bytes", [["list"], ["run", "1"]],
          setup=lambda h: (h / "progress.db").write_bytes(os.urandom(8192)), destroys=True)

    def damage_page(h: Path) -> None:
        with open(h / "progress.db", "r+b") as fh:
            fh.seek(4096 + 100)
            fh.write(os.urandom(2000))

    fault(base, seed, "progress.db with a damaged page", [["list"], ["run", "1"]], setup=damage_page,
          destroys=True)

    def drop_column(h: Path) -> None:
        conn = sqlite3.connect(h / "progress.db")
        conn.execute("ALTER TABLE lesson_progress DROP COLUMN tried")
        conn.commit()
        conn.close()

    fault(base, seed, "progress.db missing a column", [["list"], ["run", "1"], ["progress"]], setup=drop_column)
    fault(base, seed, "progress.db is a folder", [["list"], ["run", "1"]],
          setup=lambda h: ((h / "progress.db").unlink(), (h / "progress.db").mkdir()), destroys=True)
    fault(base, seed, "home of 30 Chinese characters, run 1", [["run", "1"], ["list"]],
          home=new_home(base, "库" * 30, seed))
    disk = base / "tmpfs"
    disk.mkdir()
    if mount("-t", "tmpfs", "-o", "size=512k,mode=0755", "tmpfs", str(disk)):
        MOUNTS.append(disk)
        shutil.copyfile(seed, disk / "progress.db")

        def fill(h: Path) -> None:
            fd = os.open(h / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * 4096)
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0")
            os.close(fd)

        fault(base, seed, "full tmpfs (512 KiB) as home", [["list"], ["run", "1"], ["progress"]], setup=fill,
              teardown=lambda h: (h / "filler").unlink(), home=disk)
        unmount(disk)
    else:
        ROWS.append(Row("fault", "full tmpfs", note="not run: mounting a tmpfs is refused here"))


# --- the whole matrix --------------------------------------------------------------------
@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="fm-"))
    try:
        yield base
    finally:
        for proc in STARTED:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for sock in list(TMUX):
            subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
        for path in reversed(list(MOUNTS)):
            unmount(path)
        kill_home(base)
        shutil.rmtree(base, ignore_errors=True)


def make_seed(base: Path) -> Path:
    """A home where lessons 1-3 are passed, for real; its progress.db, checkpointed into one file."""
    home = new_home(base, "seed", None)
    for lesson in ("1", "2", "3"):
        code, out = cli(home, "run", lesson, timeout=300)
        if code != 0:
            raise SystemExit(f"the seed's lesson {lesson} failed:\n{out[-2000:]}")
    seed = base / "seed.db"
    conn = sqlite3.connect(home / "progress.db")
    conn.execute(f"VACUUM INTO '{seed}'")
    conn.close()
    kill_home(home)
    return seed


def report(started: float, load: str) -> None:
    print(f"{'group':<11} {'case':<52} {'orphans':>7} {'tracebk':>7} {'lost':>4}  recorded / note")
    for r in ROWS:
        extra = "; ".join(x for x in (r.recorded, r.note) if x)
        print(f"{r.group:<11} {r.case[:52]:<52} {r.orphans:>7} {r.tracebacks:>7} {r.lost:>4}  {extra}")
        for s in r.survivors:
            print(f"{'':<11}   ! {s}")
    ints = [r for r in ROWS if r.group == "interrupt"]
    flt = [r for r in ROWS if r.group == "fault" and not r.note.startswith("not run")]
    conc = [r for r in ROWS if r.group == "concurrent"]
    print()
    print(f"interrupts tried / orphans:     {len(ints)} / {sum(r.orphans for r in ints)} "
          f"(weed sockets left in /tmp: {sum(r.sockets for r in ints)})")
    print(f"concurrent attempts / recorded: {sum(r.attempts for r in conc)} / {sum(r.recorded_n for r in conc)} "
          f"(counted, stored and graded on its own run; tracebacks {sum(r.tracebacks for r in conc)}, "
          f"orphans {sum(r.orphans for r in conc)})")
    print(f"faults injected / tracebacks:   {len(flt)} / {sum(r.tracebacks for r in flt)}")
    print(f"lost rows (passed lessons):     {sum(r.lost for r in ROWS)}")
    print(f"load average at start: {load}; at end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f}; {os.cpu_count()} cores; {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="interrupts,tmux,concurrent,faults")
    groups = set(parser.parse_args().only.split(","))
    started, load = time.monotonic(), " ".join(f"{x:.2f}" for x in os.getloadavg())
    for sig in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, lambda *_: sys.exit(130))  # so that the clean-up runs
    try:
        with workspace() as base:
            seed = make_seed(base)
            if "interrupts" in groups:
                for phase in ("store-start", "store-ready", "mid-run"):
                    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL, signal.SIGHUP):
                        interrupt(base, seed, sig, phase)
            if "tmux" in groups and shutil.which("tmux"):
                for phase in ("store-start", "mid-run"):
                    closed_terminal(base, seed, phase)
            if "concurrent" in groups:
                for round_ in range(3):
                    concurrent(base, round_)
            if "faults" in groups:
                faults(base, seed)
    finally:
        report(started, load)  # what was measured, also when the matrix is stopped early

if __name__ == "__main__":
    main()
