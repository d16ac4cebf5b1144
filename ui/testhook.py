"""A local control socket for the end-to-end tests. Active ONLY when the environment variable
``STATION_TEST_SOCKET`` names a socket path; the composition root then starts it. Nothing
listens otherwise, and it never listens on the network (QLocalServer: a Unix socket / named pipe).

Protocol: one JSON object per line in, one JSON object per line out.

    {"cmd": "state"}                      -> page, camera, prompt, review verdict, dialogs, crashes
    {"cmd": "shutter"} / {"cmd": "accept"} / {"cmd": "retake"}
    {"cmd": "page", "index": 2}
    {"cmd": "grab", "path": "/tmp/x.png"} -> saves a picture of the window
    {"cmd": "call", "name": NAME, "args": {...}}  -> a hook a page registered in deps.extra["test_hooks"]
    {"cmd": "dialog", "fields": {OBJECT_NAME: TEXT, ...}, "button": "ok"|"cancel"}
                                          -> types into the open modal dialog's line edits, then
                                             presses its button (``state`` names it: "modal")
    {"cmd": "quit"}

Real key presses (Space for the shutter) are sent by the test with xdotool, not through here."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox

__all__ = ["TestHook"]

log = logging.getLogger("station.ui")


class TestHook(QObject):
    def __init__(self, window: Any, path: str, t0: float) -> None:
        super().__init__(window)
        self.window = window
        self.path = path
        self.t0 = t0
        self.first_analysis_s: float | None = None
        self.server = QLocalServer(self)
        self._buffers: dict[QLocalSocket, bytes] = {}
        window.deps.live.first_analysis.connect(self._on_live_first_analysis)

    @Slot(float)
    def _on_live_first_analysis(self, _s: float) -> None:
        self.first_analysis_s = time.monotonic() - self.t0

    def start(self) -> None:
        QLocalServer.removeServer(self.path)
        if not self.server.listen(self.path):
            log.error("test hook: cannot listen on %s: %s", self.path, self.server.errorString())
            return
        self.server.newConnection.connect(self._on_server_new_connection)
        log.warning("TEST HOOK ACTIVE on %s (STATION_TEST_SOCKET is set)", self.path)

    @Slot()
    def _on_server_new_connection(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._on_socket_ready_read(s))
            sock.disconnected.connect(lambda s=sock: self._buffers.pop(s, None))

    def _on_socket_ready_read(self, sock: QLocalSocket) -> None:
        self._buffers[sock] = self._buffers.get(sock, b"") + bytes(sock.readAll().data())
        while b"\n" in self._buffers[sock]:
            line, rest = self._buffers[sock].split(b"\n", 1)
            self._buffers[sock] = rest
            try:
                reply = self.handle(json.loads(line))
            except Exception as exc:
                log.exception("test hook command failed")
                reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            sock.write((json.dumps(reply, ensure_ascii=False, default=str) + "\n").encode())
            sock.flush()

    def handle(self, msg: dict[str, Any]) -> dict[str, Any]:
        w = self.window
        cmd = msg.get("cmd")
        if cmd == "state":
            return {"ok": True, **self.state()}
        if cmd == "shutter":
            w.tabs.setCurrentIndex(0)
            return {"ok": bool(w.deps.live.shutter())}
        if cmd == "accept":
            w._on_review_accept_clicked()
            return {"ok": w.accepted_photo is not None}
        if cmd == "retake":
            w._on_review_retake_clicked()
            return {"ok": True}
        if cmd == "page":
            w.tabs.setCurrentIndex(int(msg["index"]))
            return {"ok": True}
        if cmd == "grab":
            ok = w.grab().save(str(msg["path"]))
            return {"ok": bool(ok)}
        if cmd == "call":
            hooks = w.deps.extra.get("test_hooks", {})
            fn = hooks.get(msg["name"])
            if fn is None:
                return {"ok": False, "error": f"no hook {msg['name']!r}; have {sorted(hooks)}"}
            value = fn(**msg.get("args", {}))
            return {"ok": True, "value": value}
        if cmd == "dialog":
            return self._answer_dialog(msg)
        if cmd == "quit":
            QTimer.singleShot(50, w.close)
            return {"ok": True}
        return {"ok": False, "error": f"unknown command {cmd!r}"}

    def _answer_dialog(self, msg: dict[str, Any]) -> dict[str, Any]:
        dlg = QApplication.activeModalWidget()
        if dlg is None:
            return {"ok": False, "error": "no modal dialog is open"}
        for name, text in msg.get("fields", {}).items():
            edit = dlg.findChild(QLineEdit, name)
            if edit is None:
                return {"ok": False, "error": f"{dlg.objectName()} has no field {name!r}"}
            edit.setText(str(text))
        which = {"ok": QDialogButtonBox.StandardButton.Ok, "cancel": QDialogButtonBox.StandardButton.Cancel}
        box = dlg.findChild(QDialogButtonBox)
        button = box.button(which[msg.get("button", "ok")]) if box is not None else None
        if button is None:
            return {"ok": False, "error": f"{dlg.objectName()} has no {msg.get('button', 'ok')} button"}
        QTimer.singleShot(0, button.click)  # after this reply: the click may close the dialog
        return {"ok": True, "dialog": dlg.objectName()}

    def state(self) -> dict[str, Any]:
        w = self.window
        live = w.deps.live
        latest = live.latest
        review = w.review_page.outcome
        dialogs = [
            {"title": m.windowTitle(), "text": m.text(), "info": m.informativeText()}
            for m in QApplication.topLevelWidgets()
            if isinstance(m, QMessageBox) and m.isVisible()
        ]
        return {
            "page": w.tabs.currentIndex(),
            "camera": w.status.states.get("camera"),
            "status": dict(w.status.states.items()),
            "first_analysis_s": self.first_analysis_s,
            "analysed": live.analysis.analysed,
            "prompt": latest.guidance.prompt.key if latest else None,
            "all_green": latest.guidance.all_green if latest else None,
            "lights": {lt.key: lt.state for lt in latest.guidance.lights} if latest else None,
            "shutter_enabled": w.capture_page.shutter.isEnabled(),
            "shutter_reason": w.capture_page.shutter.toolTip(),
            "review": None
            if review is None
            else {
                "compliant": review.compliant,
                "bytes": len(review.jpeg),
                "failing": [c.id for c in review.report.failing("error")],
            },
            "review_busy": w.review_page.busy.text(),
            "accepted": w.accepted_photo is not None,
            "dialogs": dialogs,
            "modal": modal.objectName() if (modal := QApplication.activeModalWidget()) else None,
            "crashes": w.deps.crash.count if w.deps.crash else 0,
            **(w.deps.extra.get("test_state", lambda: {})()),
        }
