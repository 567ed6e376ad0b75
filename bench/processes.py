"""Servers started as child processes by `make bench` and the tests that serve over HTTP."""

import socket
import subprocess


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen, timeout: float = 60) -> None:
    """Ask a server to stop (SIGTERM, as Ctrl+C's service manager would), kill it if it hangs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
