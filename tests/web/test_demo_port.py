"""`make run` (the demo command) says a port is taken before it migrates or seeds anything."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indigomed.demo.serving import check_port_free, parse_address
from indigomed.directory.models import Practitioner


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_taken_port_is_named_with_the_way_to_choose_another(taken_port) -> None:
    with pytest.raises(CommandError) as refused:
        check_port_free("127.0.0.1", taken_port)
    message = str(refused.value)
    assert f"Port {taken_port} on 127.0.0.1 is already in use" in message
    assert "make run PORT=" in message


def test_a_free_port_passes() -> None:
    check_port_free("127.0.0.1", free_port())


def test_an_address_that_is_not_this_machines_is_refused_plainly() -> None:
    with pytest.raises(CommandError, match=re.escape("cannot listen on 192.0.2.1")):
        check_port_free("192.0.2.1", free_port())


@pytest.mark.parametrize("addrport", ["127.0.0.1:http", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:", "8000x"])
def test_a_port_that_is_not_a_port_is_refused(addrport) -> None:
    with pytest.raises(CommandError, match="The port must be a number from 1 to 65535"):
        parse_address(addrport)


def test_addresses_read_as_the_development_server_reads_them() -> None:
    assert parse_address("127.0.0.1:8001") == ("127.0.0.1", 8001)
    assert parse_address("[::1]:8002") == ("::1", 8002)
    assert parse_address("8003") == ("127.0.0.1", 8003)


@pytest.mark.django_db
def test_the_demo_stops_on_a_taken_port_before_seeding(taken_port) -> None:
    with pytest.raises(CommandError, match=re.escape(f"Port {taken_port} on 127.0.0.1 is already in use")):
        call_command("demo", f"127.0.0.1:{taken_port}", "--no-worker")
    assert not Practitioner.objects.exists(), "nothing was seeded"


@pytest.mark.django_db
def test_the_demo_takes_its_port_from_PORT(taken_port, monkeypatch) -> None:
    monkeypatch.setenv("PORT", str(taken_port))
    with pytest.raises(CommandError, match=f"Port {taken_port} "):
        call_command("demo", "--no-worker")
