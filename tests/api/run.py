#!/usr/bin/env python3
"""Black-box API tests: the real binary, a temporary database, real HTTP.

Usage: python3 tests/api/run.py --binary build/asan/redress [-k NAME]
Loads every tests/api/test_*.py module (each registers its test functions
with client.test), runs them in order against one server with the fixtures of
client.World, and ends with exactly one line "RESULT api passed=N failed=M"
(exit 1 when M > 0). A server whose log shows a sanitizer report, or that
does not exit cleanly on SIGTERM, counts as one more failure."""

import argparse
import glob
import importlib
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import client  # noqa: E402
from client import Fail, Server, World, describe  # noqa: E402


def load_modules():
    for path in sorted(glob.glob(os.path.join(HERE, "test_*.py"))):
        importlib.import_module(os.path.splitext(os.path.basename(path))[0])


def run_one(fn, world, server):
    t0 = time.time()
    try:
        fn(world)
        print(f"ok   {fn.__name__} ({time.time() - t0:.1f}s)", flush=True)
        return True
    except Fail as e:
        print(f"FAIL {fn.__name__}: {e}", flush=True)
    except Exception as e:  # the server misbehaving (bad JSON, a dropped connection...)
        print(f"FAIL {fn.__name__}: {type(e).__name__}: {e}", flush=True)
        traceback.print_exc(file=sys.stdout)
        if server.last is not None:
            print("      last exchange:\n" + describe(server.last), flush=True)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("-k", help="run only tests whose name contains this")
    args = ap.parse_args()
    load_modules()
    tests = [t for t in client.TESTS if not getattr(t, "last", False)] + \
            [t for t in client.TESTS if getattr(t, "last", False)]
    if args.k:
        tests = [t for t in tests if args.k in t.__name__]
    if not os.environ.get("REDRESS_API_PG_URI"):
        elsewhere = [t.__name__ for t in tests if t.postgresql_only]
        tests = [t for t in tests if not t.postgresql_only]
        if elsewhere:
            print(f"not run on SQLite (PostgreSQL only, run by the PostgreSQL pass): "
                  f"{', '.join(elsewhere)}", flush=True)
    print(f"{len(tests)} tests against {args.binary}", flush=True)
    passed = failed = 0
    t0 = time.time()
    server = None
    try:
        server = Server(args.binary)
        server.start()
        world = World(server)
        for fn in tests:
            if run_one(fn, world, server):
                passed += 1
            else:
                failed += 1
    except Exception:  # the fixtures could not be built: nothing else can run
        failed += 1
        print("FAIL setup (server start or fixtures)", flush=True)
        traceback.print_exc(file=sys.stdout)
        if server is not None and server.last is not None:
            print("      last exchange:\n" + describe(server.last), flush=True)
    finally:
        if server is not None:
            code = server.stop()
            if code not in (0, None):
                failed += 1
                print(f"FAIL server exit code on SIGTERM: {code}\n{server.log_text()[-3000:]}")
            errors = server.sanitizer_errors()
            if errors:
                failed += 1
                print("FAIL sanitizer reported errors:\n  " + "\n  ".join(errors[:20]))
                print(server.log_text()[-6000:])
            server.cleanup()
    print(f"api tests took {time.time() - t0:.1f}s", flush=True)
    print(f"RESULT api passed={passed} failed={failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
