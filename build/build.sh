#!/usr/bin/env bash
# Build dist/DigitRecognizer, one file (DigitRecognizer.exe on Windows, DigitRecognizer.app on
# macOS), from a virtual environment of its own that holds the app's runtime and PyInstaller only:
# whatever else is installed would be frozen into the executable too. Does nothing when the
# executable is newer than everything in desktop/, build/ and constraints.txt.
#   PYTHON=python3.11       the Python to build with (3.10 or newer, with tkinter)
#   BUILD_VENV=.venv-build  where that environment lives (made on first use)
#   FORCE=1                 build even when up to date
#   DIGITS_TRIM=none|step,step  only these trim steps (see the spec), built into build/out/trim/
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${BUILD_VENV:-.venv-build}
case "$(uname -s)" in
    MINGW* | MSYS* | CYGWIN*) BIN=$VENV/Scripts EXE=DigitRecognizer.exe ;;
    Darwin) BIN=$VENV/bin EXE=DigitRecognizer.app ;;
    *) BIN=$VENV/bin EXE=DigitRecognizer ;;
esac
DIST=dist WORK=build/work
if [ -n "${DIGITS_TRIM:-}" ]; then  # an experiment: kept apart from dist/
    DIST=build/out/trim/$DIGITS_TRIM WORK=build/work/trim-$DIGITS_TRIM
fi

if [ -z "${FORCE:-}" ] && [ -e "$DIST/$EXE" ] && [ -z "$(find desktop build constraints.txt \
        \( -path build/work -o -path build/out -o -name __pycache__ \) -prune \
        -o -type f -newer "$DIST/$EXE" -print -quit)" ]; then
    echo "$DIST/$EXE is up to date"
    exit 0
fi

# The runtime of pyproject.toml (onnxruntime, numpy; pillow from [images]) plus PyInstaller from
# [build], at the versions constraints.txt pins. Remade when the pins change.
if [ ! -f "$VENV/.installed" ] || [ constraints.txt -nt "$VENV/.installed" ]; then
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$BIN/python" -m pip install --disable-pip-version-check -q -c constraints.txt \
        onnxruntime numpy pillow pyinstaller
    touch "$VENV/.installed"
fi

"$BIN/python" - <<'EOF'
import importlib.util
import sys

dev = [m for m in ("tensorflow", "keras", "onnx", "matplotlib", "pytest")
       if importlib.util.find_spec(m)]
if dev:
    sys.exit(f"the build environment holds {', '.join(dev)}: they would be frozen in; remove it")
import tkinter  # noqa: F401  (a Python built without Tk cannot freeze the app's window)
EOF

"$BIN/python" build/make_icon.py build/out >/dev/null
"$BIN/python" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" build/DigitRecognizer.spec
ls -ld "$DIST/$EXE"
