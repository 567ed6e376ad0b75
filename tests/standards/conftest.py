"""The standards tests check the read side against what others wrote (official schemas,
third-party validators and clients). None of them may reach the network: in this process every
connection to a host other than loopback is refused, and the tools run in subprocesses get
proxies that lead nowhere (support.offline_env)."""

import ipaddress
import socket

import pytest

LOCAL_NAMES = {"localhost", "testserver", None, ""}


def _local(host) -> bool:
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).strip("[]")).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Refuse DNS look-ups and connections to anything but loopback (Unix sockets pass)."""
    connect, connect_ex, getaddrinfo = (
        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
    )  # fmt: skip

    def check(address):
        if isinstance(address, tuple) and not _local(address[0]):
            raise ConnectionRefusedError(f"the standards tests never leave the machine: {address}")

    def guarded_connect(self, address):
        check(address)
        return connect(self, address)

    def guarded_connect_ex(self, address):
        check(address)
        return connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not _local(host if not isinstance(host, bytes) else host.decode()):
            raise socket.gaierror(f"the standards tests never leave the machine: {host}")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


@pytest.fixture(autouse=True)
def small_world(request):
    """Checks through Django's test client run on the small world of tests/world.py, with a
    project whose name is markup; checks of the live server see its committed data instead."""
    if "live_url" in request.fixturenames or request.node.get_closest_marker("django_db") is None:
        return None
    from tests.world import add_hostile_project, open_reporting_cycle

    world = request.getfixturevalue("world")
    add_hostile_project(world)
    open_reporting_cycle(world)
    return world
