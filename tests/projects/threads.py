"""Writers on connections of their own: one thread each (Django keeps a connection per thread)."""

import threading

from django.db import connection


def run_together(*calls, timeout: float = 30) -> list:
    """Run each call in a thread of its own (so on a database connection of its own), all
    released at once; return what each returned or raised."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout)
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 (handed back to the test)
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a writer is still waiting"
    return results
