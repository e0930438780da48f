"""Writing a person's file the way careful editors do: atomically, and to what they mean.

`write_atomic` writes a temp file in the target's folder, fsyncs it, renames it over the
target and fsyncs the folder, so a crash leaves either the old file or the new one, never
a truncated one. On top of that:

- a symlink is written *through*: its target gets the new content and the link stays a
  link (replacing the link by a regular file would leave the real file stale);
- a read-only file is not silently replaced: `ReadOnlyFileError` lets the app ask first
  and call again with ``overwrite_readonly=True``;
- the temp name stays short, so names of up to NAME_MAX (255) bytes can be saved;
- an OSError names the person's file, not the temp file it happened on.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from core.graph.document import GraphError

#: characters of the target's name kept in the temp name (<= 4 UTF-8 bytes each: the temp
#: name stays far below NAME_MAX however long the target's name is)
_TEMP_NAME_CHARS = 32


class ReadOnlyFileError(GraphError):
    """The file exists and is read-only; `.path` is it. Ask, then write with
    ``overwrite_readonly=True`` (the new file keeps its read-only mode)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} is read-only")
        self.path = path


def resolve_target(path: str | os.PathLike[str]) -> Path:
    """The file a save of `path` must change: the final target of a symlink chain."""
    p = Path(path)
    return Path(os.path.realpath(p)) if p.is_symlink() else p


def is_read_only(path: Path) -> bool:
    """True if `path` exists and its permissions say it must not be written (for root
    too, who may write anything: no write bit at all means read-only, as editors read it)."""
    try:
        st = path.stat()
    except OSError:
        return False
    return not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(
        path, os.W_OK)


def write_atomic(path: str | os.PathLike[str], data: str, *, mode: int | None = None,
                 overwrite_readonly: bool = False) -> None:
    """Replace the file at `path` (through symlinks) with `data` (UTF-8), atomically.
    `mode` defaults to the existing file's permissions (or 0666 minus the umask)."""
    asked = Path(path)
    target = resolve_target(asked)
    if not overwrite_readonly and is_read_only(target):
        raise ReadOnlyFileError(asked)
    try:
        raw = data.encode("utf-8")
    except UnicodeEncodeError as e:  # a lone surrogate that reached the document somehow
        raise GraphError(f"cannot save {asked.name}: the text holds an invalid character "
                         f"(a lone surrogate at position {e.start})") from None
    try:
        _replace(target, raw, _file_mode(target) if mode is None else mode)
    except OSError as e:
        if e.errno is None:
            raise
        raise OSError(e.errno, e.strerror, str(asked)) from e  # PermissionError etc. stay


def _replace(target: Path, raw: bytes, mode: int) -> None:
    folder = target.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:_TEMP_NAME_CHARS]}.", suffix=".tmp",
                               dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            os.chmod(tmp, mode)  # mkstemp makes 0600; keep what a person expects
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX: fsync the directory); best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot fsync a directory; the data itself is synced
    finally:
        os.close(fd)


def _file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


__all__ = ["ReadOnlyFileError", "is_read_only", "resolve_target", "write_atomic"]
