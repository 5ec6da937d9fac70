"""Extract the TensorFlow C library and the C API headers from a tensorflow(-cpu|-gpu) wheel.

Used by scripts/setup-native.js. Writes DEST/lib/{libtensorflow_cc.so.2,libtensorflow_framework.so.2} and DEST/include/<every header
reachable from tensorflow/c/c_api.h, tensorflow/c/eager/c_api.h and the extra headers named after DEST>.
Only the standard library is used, so any python3 can run it.
"""
import re
import sys
import zipfile
from pathlib import Path

LIBS = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"]
ROOT_HEADERS = ["tensorflow/c/c_api.h", "tensorflow/c/eager/c_api.h"]
INCLUDE_PREFIX = "tensorflow/include/"
QUOTED_INCLUDE = re.compile(rb'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def header_closure(wheel: zipfile.ZipFile, roots: list) -> list:
    """Every header reachable by #include "…" from the roots, as paths under include/."""
    names = set(wheel.namelist())
    seen, todo = [], list(roots)
    while todo:
        header = todo.pop()
        member = INCLUDE_PREFIX + header
        if header in seen or member not in names:
            continue
        seen.append(header)
        todo.extend(m.decode() for m in QUOTED_INCLUDE.findall(wheel.read(member)))
    missing = [h for h in roots if h not in seen]
    if missing:
        raise SystemExit(f"wheel has no {missing}: is it a tensorflow wheel?")
    return seen


def main(wheel_path: str, dest: str, extra_headers: list) -> None:
    out = Path(dest)
    with zipfile.ZipFile(wheel_path) as wheel:
        for lib in LIBS:
            target = out / "lib" / lib
            target.parent.mkdir(parents=True, exist_ok=True)
            with wheel.open("tensorflow/" + lib) as src, open(target, "wb") as dst:
                while chunk := src.read(1 << 22):
                    dst.write(chunk)
        headers = header_closure(wheel, ROOT_HEADERS + extra_headers)
        for header in headers:
            target = out / "include" / header
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(wheel.read(INCLUDE_PREFIX + header))
    print(f"extracted {len(LIBS)} libraries and {len(headers)} headers")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit("usage: extract_libtensorflow.py WHEEL DEST [EXTRA_HEADER ...]")
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
