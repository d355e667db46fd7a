"""Writing reports and case files safely: checked before the work, written whole or not at all, private.

Every command that writes a file (``--output``, ``interview --out``) goes through here:

* :func:`check_output` runs *before* the work and refuses, as bad input (exit 2), anything that cannot end well:
  a folder, a device or ``/proc`` entry, a symbolic link (dangling or not: casefile never writes through a
  link), a file in a missing or read-only folder, one of the command's own input files, and an existing file
  unless ``--force`` is given or the user confirms on a terminal.
* :func:`write_atomic` writes to a hidden temporary file in the same folder (created with mode 0600, since case
  files and reports describe people at risk), flushes it to disk and renames it over the final name. A full disk
  or any other write error removes the temporary file and is reported as bad input: nothing truncated or empty
  is ever left under the final name.
* :class:`AtomicFile` is the same for output written piece by piece (a batch): ``commit()`` renames,
  ``discard()`` (or leaving the ``with`` block on an exception) removes the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from casefile.errors import InputError

FILE_MODE = 0o600
_SYSTEM_TREES = ("/proc", "/sys", "/dev")


def check_output(
    output: Path,
    *,
    force: bool,
    inputs: Iterable[Path] = (),
    confirm: bool = True,
) -> bool:
    """Refuse an `output` that cannot or must not be written; True when an existing file may be replaced.

    `inputs` are the files the command reads: writing over one of them is refused even with `force`. With
    `confirm`, an existing file on an interactive terminal is replaced only if the user says so.
    """
    name = str(output)
    if not name or name.endswith(("/", os.sep)):
        raise InputError.single(name or None, "is a folder; expected a file name to write", field="--output")
    absolute = Path(os.path.abspath(output))
    if any(str(absolute) == tree or str(absolute).startswith(tree + "/") for tree in _SYSTEM_TREES):
        raise InputError.single(
            name, "is a system path (/proc, /sys, /dev); expected an ordinary file", hint="leave out -o to print"
        )
    try:
        st: os.stat_result | None = os.lstat(output)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError.single(name, f"cannot be written ({exc.strerror})") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise InputError.single(
                name, "is a symbolic link; casefile does not write through links", hint="name the file itself"
            )
        if stat.S_ISDIR(st.st_mode):
            raise InputError.single(name, "is a folder; expected a file name to write")
        if not stat.S_ISREG(st.st_mode):
            raise InputError.single(name, "is not a regular file; expected an ordinary file to write")
        for source in inputs:
            with contextlib.suppress(OSError):
                if os.path.samefile(source, output):
                    raise InputError.single(
                        name, "is the file being read; nothing was written", hint="choose another output name"
                    )
    folder = absolute.parent
    if not folder.is_dir():
        raise InputError.single(name, "cannot be written: its folder does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError.single(name, "cannot be written: its folder is read-only")
    if st is None or force:
        return force
    if confirm and _interactive():
        import typer

        if typer.confirm(f"{output} exists. Overwrite it?", default=False):
            return True
        raise InputError.single(name, "exists; nothing was written")
    raise InputError.single(name, "already exists; nothing was written", hint="use --force to replace it")


def _interactive() -> bool:
    try:
        return bool(sys.stdin and sys.stdin.isatty() and sys.stdout.isatty())
    except (AttributeError, ValueError):
        return False


def write_atomic(output: Path, text: str | bytes) -> None:
    """Write `text` (UTF-8) to `output` whole, or leave nothing; mode 0600. Write errors are InputErrors."""
    with AtomicFile(output) as handle:
        handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        handle.commit()


class AtomicFile:
    """A hidden temporary file beside `output`, renamed over it by :meth:`commit` (binary writes)."""

    def __init__(self, output: Path) -> None:
        self.output = Path(output)
        folder = Path(os.path.abspath(self.output)).parent
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{self.output.name}.", suffix=".tmp")
        except OSError as exc:
            raise self._error(exc) from None
        os.fchmod(fd, FILE_MODE)
        self.temporary = Path(tmp)
        self._file = os.fdopen(fd, "wb")
        self.done = False

    def _error(self, exc: OSError) -> InputError:
        return InputError.single(
            str(self.output), f"cannot be written ({exc.strerror or type(exc).__name__}); nothing was written"
        )

    def write(self, data: bytes) -> None:
        try:
            self._file.write(data)
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None

    def commit(self) -> None:
        """Flush to disk and rename over the final name."""
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self.temporary, self.output)
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None
        self.done = True
        with contextlib.suppress(OSError):  # make the rename itself durable where the system allows it
            fd = os.open(self.temporary.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def discard(self) -> None:
        """Remove the temporary file; the final name is untouched."""
        if self.done:
            return
        self.done = True
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            os.unlink(self.temporary)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.discard()  # after commit() this does nothing
