"""Where the demo listens: the address it is given, checked free before anything is migrated or seeded."""

from __future__ import annotations

import errno
import socket

from django.core.management.base import CommandError

DEFAULT_PORT = 8000


def parse_address(addrport: str) -> tuple[str, int]:
    """``host:port`` (or ``[::1]:port``, or a port alone) as (host, port); a clear error otherwise."""
    host, _, port = addrport.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise CommandError(f"The port must be a number from 1 to 65535, not {port!r} (make run PORT=8001).")
    return host, int(port)


def check_port_free(host: str, port: int) -> None:
    """Raise a ``CommandError`` saying so if nothing could listen on ``host:port`` now: another
    program already does, or the address is not this machine's."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the development server binds: a port left in TIME_WAIT by a server that just stopped is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"Port {port} on {host} is already in use (another IndigoMed demo, or another program). "
                    f"Stop it, or choose a free port: make run PORT={port + 1 if port < 65535 else 8001}"
                ) from exc
            raise CommandError(f"IndigoMed cannot listen on {host}:{port}: {exc.strerror}.") from exc
