"""Reading and writing the project's files safely.

Every write goes through :func:`atomic_write`: a temporary file in the target's folder, flushed
to disk, given the old file's mode and owner, then renamed over the target, under the writers'
lock of :func:`locked`. Readers see the old file or the new one, never half of either; a failed
write leaves the old file as it was; a symlink stays a link and its target gets the new content.
A read-modify-write holds :func:`locked` around the read and the write, so two writers never
lose each other's change. A file with several hard links is refused (a rename would split
them); the temporary file of a writer killed before its rename is removed by the next write.
Failures are :class:`~graph.core.errors.GraphError` with a one-line message (bad path, folder
given as a file, unwritable folder, bytes that are not UTF-8).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from filelock import FileLock, Timeout

from graph.core.errors import GraphError, ParseError

__all__ = ["LOCK_TIMEOUT", "atomic_write", "lock_file", "locked", "read_text", "real_path", "require_file"]

#: Seconds a writer waits for another writer of the same file before giving up.
LOCK_TIMEOUT = 120.0


def real_path(path: str | Path) -> Path:
    """Return the file a path names once every symlink on the way is followed (it need not exist).

    >>> real_path("/") == Path("/")
    True
    """
    return Path(os.path.realpath(path))


def lock_file(path: str | Path) -> Path:
    """Return the lock file that writers of ``path`` share: ``.NAME.lock`` beside its real target.

    >>> lock_file("/tmp/out.ttl").name
    '.out.ttl.lock'
    """
    real = real_path(path)
    return real.with_name(f".{real.name}.lock")


@contextmanager
def locked(path: str | Path, timeout: float | None = None) -> Iterator[Path]:
    """Hold the writers' lock of ``path`` for a read-modify-write; yield the real target's path.

    The lock is an exclusive ``flock`` (via :mod:`filelock`) on :func:`lock_file`, taken again
    without waiting by the same thread (so :func:`atomic_write` inside the block works), and
    removed when the outermost holder is done. The target's folder is created if missing.

    Parameters
    ----------
    path
        The file about to be read and rewritten (a symlink locks its target).
    timeout
        Seconds to wait for another writer; default :data:`LOCK_TIMEOUT`.

    Raises
    ------
    graph.core.errors.GraphError
        When the folder cannot be created or written, or another writer holds the lock too long.
    """
    shown = Path(path)
    real = real_path(shown)
    kind = _kind(real, shown)
    if kind not in ("file", "missing"):  # a device or a pipe: written into, nothing to lock or rename
        yield real
        return
    if kind == "file" and (links := real.stat().st_nlink) > 1:
        # a rename replaces one name only: the other names would keep the old text, and writers
        # through different names would not share a lock
        raise GraphError(
            f"cannot write {shown}: it has {links} hard links, which a safe rewrite would split "
            "(copy it to a file of its own, or use a symlink)"
        )
    _make_folder(real.parent, shown)
    lock = FileLock(lock_file(real), is_singleton=True)
    wait = LOCK_TIMEOUT if timeout is None else timeout
    try:
        # filelock retries a lock file it cannot create until the timeout (e.g. in /proc): fail now
        os.close(os.open(lock.lock_file, os.O_WRONLY | os.O_CREAT, 0o666))
        lock.acquire(timeout=wait)
    except Timeout as error:
        raise GraphError(
            f"cannot write {shown}: another process is writing it (waited {wait:g} s)"
        ) from error
    except OSError as error:
        raise GraphError(
            f"cannot write {shown}: cannot create files in {real.parent}: {_why(error)}"
        ) from error
    try:
        yield real
    finally:
        if lock.lock_counter == 1:
            # Unlinked while held: a waiter that then gets the old inode sees it unlinked and retries.
            with suppress(OSError):
                os.unlink(lock.lock_file)
        lock.release()


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text is written as UTF-8) to ``path`` atomically, under its writers' lock.

    The new file keeps the old one's mode and owner (a new file gets the umask's mode); a
    symlink stays a link and its target is replaced; a device or pipe (``/dev/null``) is
    written into as the shell's ``>`` would. Missing folders are created.

    Returns
    -------
    Path
        ``path`` as given.

    Raises
    ------
    graph.core.errors.GraphError
        On a folder given as the file, an unwritable place, a full disk or an owner that cannot
        be kept; the old file is then unchanged and no temporary file is left.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> atomic_write(target, "hello").read_text()
    'hello'
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with locked(target) as real:
        try:
            _replace(real, payload, target)
        except OSError as error:
            raise GraphError(f"cannot write {target}: {_why(error)}") from error
    return target


def require_file(path: str | Path) -> Path:
    """Return ``path`` if it names an existing regular file, else raise a one-line GraphError.

    >>> require_file("/")
    Traceback (most recent call last):
    graph.core.errors.GraphError: /: is a folder, not a file
    """
    given = Path(path)
    try:
        mode = given.stat().st_mode
    except FileNotFoundError as error:
        raise GraphError(f"{given}: no such file") from error
    except OSError as error:
        raise GraphError(f"{given}: cannot read: {_why(error)}") from error
    if stat.S_ISDIR(mode):
        raise GraphError(f"{given}: is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise GraphError(f"{given}: not a regular file")
    return given


def read_text(path: str | Path) -> str:
    r"""Read a UTF-8 text file; binary or other encodings are a :class:`ParseError` naming the line.

    >>> import tempfile, pathlib
    >>> latin = pathlib.Path(tempfile.mkdtemp()) / "latin.ttl"
    >>> _ = latin.write_bytes(b'# ok\n"caf\xe9" .\n')
    >>> read_text(latin)
    Traceback (most recent call last):
    graph.core.errors.ParseError: ...latin.ttl:2: not UTF-8 text: byte 0xe9 at column 5 (save it as UTF-8)
    """
    given = require_file(path)
    try:
        raw = given.read_bytes()
    except OSError as error:
        raise ParseError(given, None, f"cannot read: {_why(error)}") from error
    if b"\0" in raw:
        at = raw.index(b"\0")
        raise ParseError(given, raw.count(b"\n", 0, at) + 1, "binary data (a NUL byte), not a text file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        reason = f"not UTF-8 text: byte 0x{raw[error.start]:02x} at column {column} (save it as UTF-8)"
        raise ParseError(given, line, reason) from error


def _replace(real: Path, payload: bytes, shown: Path) -> None:
    """Put ``payload`` at ``real`` (no symlink left in it) by a rename, keeping mode and owner."""
    try:
        old: os.stat_result | None = real.stat()
    except FileNotFoundError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):
        with real.open("wb") as stream:  # a device or a pipe: nothing to rename over
            stream.write(payload)
        return
    _remove_stale_temps(real)
    handle, temp_name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
            if old is None:
                os.fchmod(stream.fileno(), 0o666 & ~_umask())
            else:
                _keep_owner(stream.fileno(), old, shown)
                os.fchmod(stream.fileno(), stat.S_IMODE(old.st_mode))
        os.replace(temp_name, real)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _sync_folder(real.parent)


def _remove_stale_temps(real: Path) -> None:
    """Remove the temporary files of earlier writes of ``real`` that were killed before their rename.

    Called under the writers' lock, so no live writer of ``real`` has a temporary file now.
    """
    prefix = f".{real.name}."
    with suppress(OSError):
        for entry in os.scandir(real.parent):
            middle = entry.name[len(prefix) : -len(".tmp")]
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp") and len(middle) == 8:
                with suppress(OSError):
                    os.unlink(entry.path)


def _keep_owner(fd: int, old: os.stat_result, shown: Path) -> None:
    """Give the new file the old one's owner and group, or refuse the write."""
    new = os.fstat(fd)
    if (new.st_uid, new.st_gid) == (old.st_uid, old.st_gid):
        return
    try:
        os.fchown(fd, old.st_uid, old.st_gid)
    except PermissionError as error:
        raise GraphError(
            f"cannot write {shown}: it belongs to uid {old.st_uid} gid {old.st_gid}, and a replacement "
            f"written by this user could not keep that owner ({shown} unchanged)"
        ) from error


def _kind(real: Path, shown: Path) -> str:
    """Return what ``real`` is: ``file``, ``missing`` or ``other``; a folder is an error."""
    try:
        mode = real.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError as error:
        raise GraphError(f"cannot write {shown}: {_why(error)}") from error
    if stat.S_ISDIR(mode):
        raise GraphError(f"cannot write {shown}: it is a folder, not a file")
    return "file" if stat.S_ISREG(mode) else "other"


def _make_folder(folder: Path, shown: Path) -> None:
    for above in (folder, *folder.parents):
        if above.exists() or above.is_symlink():
            if not above.is_dir():
                raise GraphError(f"cannot write {shown}: {above} is a file, not a folder")
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GraphError(f"cannot write {shown}: cannot create the folder {folder}: {_why(error)}") from error


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file, where the file system allows it."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    """Return the process umask, read without changing it where Linux shows it."""
    with suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
        return int(next(line for line in status if line.startswith("Umask:")).split()[1], 8)
    mask = os.umask(0o022)  # elsewhere: set and restore (briefly visible to other threads)
    os.umask(mask)
    return mask


def _why(error: OSError) -> str:
    """Return the reason of an OSError in words, without Python's ``[Errno N]`` decoration."""
    return error.strerror.lower() if error.strerror else str(error)
