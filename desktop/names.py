"""File names in what the batch prints: they are the user's bytes, not ours."""

from __future__ import annotations


def printable(name: str) -> str:
    """A name safe to print on a terminal: control characters (escape sequences), invisible
    format characters and bytes that are not UTF-8 written as Python escapes (`\\x1b`,
    `\\udcff`), everything else as it is."""
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in name)


def _escape(character: str) -> str:
    return character.encode("unicode_escape", "backslashreplace").decode("ascii")
