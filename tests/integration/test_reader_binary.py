"""The reader is one executable for a USB stick: it needs nothing installed
beyond the C library (GLFW, SQLite, zstd, ImGui and the C++ runtime are
linked in; OpenGL and X11 are loaded at run time) and links no networking."""

import os
import re
import subprocess
import unittest

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
READER = os.environ.get("SITEPACK_READER", os.path.join(SOURCE_DIR, "build", "sitepack-reader"))

SYSTEM_LIBRARIES = {"linux-vdso.so.1", "libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2",
                    "libpthread.so.0", "libdl.so.2", "librt.so.1"}


class TheReaderExecutable(unittest.TestCase):
    def test_it_needs_only_the_c_library(self):
        output = subprocess.run(["ldd", READER], capture_output=True, text=True, check=True).stdout
        needed = {os.path.basename(line.split()[0]) for line in output.splitlines() if line.strip()}
        self.assertEqual(needed - SYSTEM_LIBRARIES, set(), f"the reader needs libraries a laptop may lack:\n{output}")

    def test_it_has_no_networking_code(self):
        output = subprocess.run(["nm", "-D", "--undefined-only", READER], capture_output=True, text=True,
                                check=True).stdout
        imported = {line.split()[-1].split("@")[0] for line in output.splitlines() if line.strip()}
        networking = {name for name in imported
                      if re.fullmatch(r"socket|connect|accept|listen|getaddrinfo|gethostbyname\w*|send(to|msg)?|"
                                      r"recv(from|msg)?|curl_\w+|SSL_\w+", name)}
        self.assertEqual(networking, set())


if __name__ == "__main__":
    unittest.main(verbosity=2)
