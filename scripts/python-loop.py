"""The official TrueNAS API client's loop: N `core.ping` calls over one connection, one
after another, as a script using the library makes them. Prints calls per second.

    python3 scripts/python-loop.py URI N

Needs `truenas_api_client` (https://github.com/truenas/api_client; `pip install` a checkout
of it). `cargo bench` runs it when MIDCLT_BENCH_PYTHON names a python that has it.
"""

import sys
import time

from truenas_api_client import Client


def main() -> None:
    uri, n = sys.argv[1], int(sys.argv[2])
    with Client(uri) as c:
        c.call("core.ping")  # connected and answering before the clock starts
        start = time.perf_counter()
        for _ in range(n):
            c.call("core.ping")
        took = time.perf_counter() - start
    print(f"{n / took:.0f}")


if __name__ == "__main__":
    main()
