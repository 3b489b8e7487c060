"""Shared helpers of the integration tests: run the real sitepack binary on
real files, in a scratch folder per test."""

import atexit
import os
import shutil
import subprocess
import tempfile
import unittest

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(SOURCE_DIR, "samples", "lfnkr")
SITEPACK = os.environ.get("SITEPACK", os.path.join(SOURCE_DIR, "build", "sitepack"))
FIXED_EPOCH = "1764115200"  # a fixed build date, for byte-identical builds


def run(*args, check=None, env=None, timeout=600):
    """Runs sitepack with `args`; returns the CompletedProcess (text)."""
    full_env = dict(os.environ)
    full_env.setdefault("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    if env:
        full_env.update(env)
    result = subprocess.run([SITEPACK, *args], capture_output=True, text=True, env=full_env, timeout=timeout)
    if check is not None and result.returncode != check:
        raise AssertionError(
            f"sitepack {' '.join(args)} exited {result.returncode}, expected {check}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


class ScratchTestCase(unittest.TestCase):
    """A test with its own temporary folder, removed afterwards."""

    def setUp(self):
        self.scratch = tempfile.mkdtemp(prefix="sitepack-test-")

    def tearDown(self):
        shutil.rmtree(self.scratch, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.scratch, name)


_sample_bundle = None


def sample_bundle():
    """Builds the sample bundle once per test process and returns its path."""
    global _sample_bundle
    if _sample_bundle is None:
        folder = tempfile.mkdtemp(prefix="sitepack-sample-")
        atexit.register(shutil.rmtree, folder, True)
        _sample_bundle = os.path.join(folder, "sample.sitepack")
        run("build", SAMPLE, "-o", _sample_bundle, "--quiet", check=0)
    return _sample_bundle
