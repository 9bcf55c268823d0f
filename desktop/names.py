"""File names: the user's, printed (they are the user's bytes, not ours), and the hidden
temporary ones a file is written under before it takes its place."""

from __future__ import annotations

import os
import secrets

NAME_MAX = 255  # the longest file name most file systems take (bytes or characters)


def printable(name: str) -> str:
    """A name safe to print on a terminal: control characters (escape sequences), invisible
    format characters and bytes that are not UTF-8 written as Python escapes (`\\x1b`,
    `\\udcff`), everything else as it is."""
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in name)


def _escape(character: str) -> str:
    return character.encode("unicode_escape", "backslashreplace").decode("ascii")


def temporary_name(name: str) -> str:
    """A hidden, unique name to write a file called `name` under, beside it: shortened where
    `name` is near the longest a folder takes."""
    short = os.fsdecode(os.fsencode(name)[:NAME_MAX - 14])
    return f".{short}.{secrets.token_hex(4)}.tmp"
