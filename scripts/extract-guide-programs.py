#!/usr/bin/env python3
"""Writes each complete program of the guide (a ```cpp block that defines main) to
OUT_DIR/<page>_<n>.cpp, and prints their paths, so the build compiles the guide.
Usage: extract-guide-programs.py GUIDE_DIR OUT_DIR"""
import pathlib
import re
import sys

guide, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
block = re.compile(r"^```cpp\n(.*?)^```", re.S | re.M)
for page in sorted(guide.glob("*.md")):
    for n, match in enumerate(block.finditer(page.read_text()), 1):
        code = match.group(1)
        if not re.search(r"^int main\(", code, re.M):
            continue
        target = out / f"{page.stem.replace('-', '_')}_{n}.cpp"
        text = f"// From docs/guide/{page.name}, program {n}: edit it there.\n{code}"
        if not target.exists() or target.read_text() != text:  # unchanged: no rebuild
            target.write_text(text)
        print(target)
