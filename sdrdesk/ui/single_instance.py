"""One data folder, one window: a second `sdrdesk` hands its `--open` file to the first and exits.

The first window holds a `QLockFile` (stale locks of a crashed window are taken over: Qt
checks the PID) and listens on a `QLocalServer`. A second start finds the lock taken, connects
to the server, sends one JSON line (`{"open": "/abs/path.db"}` or `{"open": ""}`) and exits 0;
the first window comes forward and opens the file. Two windows writing one book would fight
over SQLite's single write lock; this keeps it to one.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 1000


def instance_key(data_dir: Path) -> str:
    """The same for every start on this data folder by this user (server names are global)."""
    try:
        user = getpass.getuser()
    except Exception:
        user = ""
    digest = hashlib.sha1(f"{user}|{Path(data_dir).expanduser().resolve()}".encode()).hexdigest()[:16]
    return f"sdrdesk-{digest}"


class SingleInstance(QObject):
    sig_message = Signal(dict)
    """A later start's request (`{"open": path or ""}`), delivered on the GUI thread."""

    def __init__(self, key: str, lock_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key
        folder = lock_dir or Path(QDir.tempPath())
        self._lock = QLockFile(str(folder / f"{key}.lock"))
        self._lock.setStaleLockTime(0)  # only a dead PID makes a lock stale, never its age
        self._server: QLocalServer | None = None
        self._sockets: list[QLocalSocket] = []  # kept until released: no deleteLater races

    def acquire(self) -> bool:
        """True when this is the first window (it now listens); False when another one runs."""
        if not self._lock.tryLock(100):
            return False
        QLocalServer.removeServer(self.key)  # a socket left by a crashed window
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            log.warning("single-instance server not listening: %s", server.errorString())
        server.newConnection.connect(self._on_new_connection)
        self._server = server
        return True

    def send(self, message: dict[str, str]) -> bool:
        """From a second start: hand `message` to the first window; False when it cannot be reached."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write((json.dumps(message) + "\n").encode())
        ok = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        return ok

    def release(self) -> None:
        for socket in self._sockets:
            socket.readyRead.disconnect()
            socket.abort()
        self._sockets.clear()
        if self._server is not None:
            self._server.newConnection.disconnect()
            self._server.close()
            self._server = None
        if self._lock.isLocked():
            self._lock.unlock()

    @Slot()
    def _on_new_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            buffer = bytearray()

            def read(s: QLocalSocket = socket, data: bytearray = buffer) -> None:
                data.extend(bytes(s.readAll().data()))
                if b"\n" in data:
                    line = bytes(data).split(b"\n", 1)[0]
                    data.clear()
                    self._deliver(line)

            socket.readyRead.connect(read)
            self._sockets.append(socket)
            if socket.bytesAvailable():
                read()

    def _deliver(self, line: bytes) -> None:
        try:
            message = json.loads(line.decode("utf-8"))
        except ValueError:
            log.warning("single-instance message not understood")
            return
        if isinstance(message, dict):
            self.sig_message.emit({str(k): str(v) for k, v in message.items()})
