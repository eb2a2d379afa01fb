"""Run the python/tests suite, or part of it by module: `npm test` (scripts/test.mjs) runs every module but the
WGSL re-check while the browser tests run, and the re-check after them, when e2e/torch-parity.spec.ts has
written its dump.

    python3 python/tests/run.py                              # every test (as `unittest discover -s python/tests`)
    python3 python/tests/run.py --exclude test_parity_wgsl   # all but that module
    python3 python/tests/run.py --only test_parity_wgsl      # only that module
"""

from __future__ import annotations

import argparse
import sys
import unittest
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent


def flatten(suite: unittest.TestSuite) -> Iterator[unittest.TestCase]:
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from flatten(t)
        else:
            yield t


def module_of(t: unittest.TestCase) -> str:
    # A module that failed to import becomes a unittest.loader._FailedTest named after the module.
    mod = type(t).__module__
    return t._testMethodName if mod == "unittest.loader" else mod


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exclude", nargs="*", default=[], help="test modules to leave out")
    ap.add_argument("--only", nargs="*", help="run only these test modules")
    a = ap.parse_args(argv)
    tests = [
        t
        for t in flatten(unittest.defaultTestLoader.discover(str(HERE), top_level_dir=str(HERE)))
        if module_of(t) not in a.exclude and (a.only is None or module_of(t) in a.only)
    ]
    if not tests:
        print(f"no tests selected (--only {a.only} --exclude {a.exclude})", file=sys.stderr)
        return 1
    result = unittest.TextTestRunner(verbosity=1).run(unittest.TestSuite(tests))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
