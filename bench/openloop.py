"""An open-loop HTTP/1.1 load generator: requests sent at a fixed arrival rate, whatever the server's
speed, each one's latency counted from the moment it was *meant* to go out.

Why our own: wrk and hey (Debian's) are closed-loop: each connection waits for its answer before
sending again, so a server that stalls is simply sent less, and the stall's victims are never
counted (coordinated omission). wrk2 and vegeta, which fix that, are not packaged by Debian nor
published on PyPI. This one does what wrk2 does, in asyncio: request ``i`` is due at
``start + i / rate``; it waits for a free keep-alive connection (up to ``connections`` of them,
opened on first need and again whenever the server closes one) and its latency runs from its due
time to the end of its answer, so time spent queued behind a slow server is counted.

The generator must not be the bottleneck: requests are prepared bytes, answers are parsed only
as far as the status line and the body's length, and the CPU it used is reported (``cpu_s``);
``processes=2`` splits the requests between two processes (even and odd ``i``) when one core is
not enough. With ``rate=0`` it runs closed-loop instead: each connection sends its next request
as soon as the previous is answered (latency from the send), as wrk does.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

# An answer that has not ended by then is an error (and its connection is dropped).
TIMEOUT_S = 30.0


@dataclass
class Result:
    latencies_ms: array = field(default_factory=lambda: array("d"))
    statuses: Counter = field(default_factory=Counter)  # HTTP status, or the kind of failure
    first_due: float = 0.0
    last_done: float = 0.0
    cpu_s: float = 0.0
    late: int = 0  # sent more than 10 ms after their due time: the generator fell behind

    def merge(self, other: Result) -> None:
        self.latencies_ms.extend(other.latencies_ms)
        self.statuses.update(other.statuses)
        self.first_due = min(self.first_due, other.first_due) if self.first_due else other.first_due
        self.last_done = max(self.last_done, other.last_done)
        self.cpu_s += other.cpu_s
        self.late += other.late

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not (isinstance(status, int) and status < 400))

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def summary(self) -> dict[str, float]:
        span = max(self.last_done - self.first_due, 1e-9)
        return {
            "requests": self.count,
            "achieved_rps": self.count / span,
            "p50_ms": self.percentile(50),
            "p99_ms": self.percentile(99),
            "p999_ms": self.percentile(99.9),
            "max_ms": max(self.latencies_ms, default=float("nan")),
            "errors": self.errors,
            "late": self.late,
            "cpu_s": self.cpu_s,
            "cpu_share": self.cpu_s / span,
            "cpu_us_per_request": 1e6 * self.cpu_s / max(self.count, 1),
        }


def request_bytes(method: str, path: str, host: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    """One HTTP/1.1 request, ready to send on a keep-alive connection."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]  # HTTP/1.1 keeps the connection by default
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bool]:
    """Send one request, read its whole answer; (status, whether the connection may be kept)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF
            if size == 0:
                break
    else:  # no length: the body ends with the connection
        await reader.read()
        return status, False
    return status, headers.get("connection") != "close"


async def _drive(
    address: tuple[str, int],
    requests: Sequence[bytes],
    *,
    rate: float,
    seconds: float,
    connections: int,
    start_wall: float,
    part: int,
    parts: int,
) -> Result:
    loop = asyncio.get_running_loop()
    result = Result()
    # Latency on the monotonic clock (uvloop's own clock counts whole milliseconds); timers on the
    # loop's, shifted by the difference between the two.
    clock = time.monotonic
    start = clock() + (start_wall - time.time())  # the same instant in every process
    end = start + seconds
    to_loop = loop.time() - clock()
    idle: asyncio.Queue = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(None)  # a connection not opened yet

    async def one(request: bytes, due: float) -> None:
        conn = await idle.get()
        try:
            async with asyncio.timeout(TIMEOUT_S):
                if conn is None:
                    conn = await asyncio.open_connection(*address)
                status, keep = await exchange(*conn, request)
            result.statuses[status] += 1
        except TimeoutError:  # before OSError, of which it is a kind
            result.statuses["timeout"] += 1
            keep = False
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            result.statuses[type(exc).__name__] += 1
            keep = False
        done = clock()
        result.latencies_ms.append(1000 * (done - due))
        result.last_done = max(result.last_done, done)
        if conn is not None and not keep:
            conn[1].close()
            conn = None
        idle.put_nowait(conn)

    tasks: set[asyncio.Task] = set()

    def send(i: int, due: float) -> None:
        if clock() - due > 0.010:
            result.late += 1
        task = loop.create_task(one(requests[i % len(requests)], due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    if rate > 0:
        # Timers set a tenth of a second ahead: one wake-up per request, no coroutine per wait.
        i = part
        while (due := start + i / rate) < end:
            if due - clock() > 0.1:
                await asyncio.sleep(due - clock() - 0.1)
            loop.call_at(due + to_loop, send, i, due)
            i += parts
        await asyncio.sleep(max(0.0, end - clock()) + 0.05)
    else:  # closed loop: each connection sends again as soon as it is answered
        counter = iter(range(part, 10**12, parts))

        async def client() -> None:
            await asyncio.sleep(max(0.0, start - clock()))
            while clock() < end:
                await one(requests[next(counter) % len(requests)], clock())

        tasks = {loop.create_task(client()) for _ in range(connections)}
    if tasks:
        await asyncio.wait(tasks)
    result.first_due = start
    # Report times on the wall clock, the one all processes share, for merging.
    shift = time.time() - clock()
    result.first_due += shift
    result.last_done += shift
    return result


def _run_part(address, requests, rate, seconds, connections, start_wall, part, parts) -> Result:
    cpu = time.process_time()
    result = _asyncio_run(
        _drive(
            address,
            requests,
            rate=rate,
            seconds=seconds,
            connections=connections,
            start_wall=start_wall,
            part=part,
            parts=parts,
        )
    )
    result.cpu_s = time.process_time() - cpu
    return result


def _asyncio_run(coroutine):
    """uvloop's event loop when it is installed (the ``bench`` extra): it halves the generator's CPU."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def _child(pipe, *args) -> None:
    pipe.send(_run_part(*args))
    pipe.close()


def run(
    address: tuple[str, int],
    requests: Sequence[bytes],
    *,
    rate: float,
    seconds: float,
    connections: int,
    processes: int = 1,
) -> Result:
    """Send ``requests`` in turn (request ``i`` is ``requests[i % len]``) to ``address`` for
    ``seconds``: at ``rate`` per second (open loop), or with ``rate=0`` as fast as ``connections``
    clients get answers (closed loop). ``connections`` is the total, shared among ``processes``."""
    start_wall = time.time() + 0.5 + 0.2 * processes  # the children's start-up happens before
    if processes == 1:
        return _run_part(address, requests, rate, seconds, connections, start_wall, 0, 1)
    context = multiprocessing.get_context("fork")
    children = []
    for part in range(processes):
        receive, send = context.Pipe(duplex=False)
        share = connections // processes + (1 if part < connections % processes else 0)
        process = context.Process(
            target=_child, args=(send, address, requests, rate, seconds, share, start_wall, part, processes)
        )
        process.start()
        children.append((process, receive))
    total = Result()
    for process, receive in children:
        total.merge(receive.recv())
        process.join()
    return total
