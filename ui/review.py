"""The review page: the 358 x 441 result at 1:1 and zoomed, its compliance report, and
accept / retake / adjust / background whitening."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.crop_adjuster import CropAdjuster
from ui.services import PhotoOutcome

__all__ = ["ReviewPage", "check_label"]

CHECK_LABELS = {
    "image_size": ("像素尺寸", "Pixel size"),
    "resolution_dpi": ("分辨率", "Resolution"),
    "color_mode": ("色彩模式", "Colour mode"),
    "file_size": ("文件大小", "File size"),
    "face_count": ("人脸数量", "Faces"),
    "face_width": ("脸部宽", "Face width"),
    "head_top": ("头顶发迹", "Head top"),
    "eye_center_x": ("双眼中点", "Eye centre"),
    "eye_line": ("双眼连线", "Eye line"),
    "background_white": ("背景白色", "White background"),
    "background_uniform": ("背景均匀", "Even background"),
    "border": ("边框", "Border"),
    "exposure": ("曝光", "Exposure"),
    "sharpness": ("清晰度", "Sharpness"),
    "lighting_balance": ("光照均匀", "Even lighting"),
    "color_cast": ("偏色", "Colour cast"),
    "head_pose": ("头部姿态", "Head pose"),
    "eyes_open": ("睁眼", "Eyes open"),
    "gaze": ("目视镜头", "Gaze"),
    "mouth_closed": ("闭嘴", "Mouth closed"),
    "glasses_glare": ("眼镜反光", "Glasses glare"),
    "shoulders_level": ("双肩水平", "Shoulders level"),
    "clothing_contrast": ("服装颜色", "Clothing contrast"),
    "occlusion": ("遮挡", "Occlusion"),
}


def check_label(check_id: str, lang: str = "zh") -> str:
    zh, en = CHECK_LABELS.get(check_id, (check_id, check_id))
    return zh if lang == "zh" else en


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "✔" if value else "✘"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value)
    return "—" if value is None else str(value)


class ReviewPage(QWidget):
    """Signals:
    accept_clicked(), retake_clicked(): the two main answers.
    whiten_toggled(bool): make the photo again with/without background whitening.
    adjust_committed(object): the operator moved/zoomed the crop: the new plan.
    """

    accept_clicked = Signal()
    retake_clicked = Signal()
    whiten_toggled = Signal(bool)
    adjust_committed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = "zh"
        self.outcome: PhotoOutcome | None = None

        self.verdict = QLabel(self)
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        vf = QFont(self.verdict.font())
        vf.setPixelSize(26)
        vf.setBold(True)
        self.verdict.setFont(vf)
        self.verdict.setMinimumHeight(54)

        self.actual = QLabel(self)
        self.actual.setFixedSize(358, 441)
        self.actual.setStyleSheet("border:1px solid #888;background:#fff;")
        self.zoomed = QLabel(self)
        self.zoomed.setAlignment(Qt.AlignmentFlag.AlignCenter)
        zoom_area = QScrollArea(self)
        zoom_area.setWidget(self.zoomed)
        zoom_area.setWidgetResizable(True)
        zoom_area.setMinimumWidth(380)
        self.adjuster = CropAdjuster(self)
        self.adjuster.setVisible(False)

        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Check"), self.tr("Measured"), self.tr("Expected"), self.tr("Result")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)

        self.accept = QPushButton(self.tr("Accept (Enter)"), self)
        self.accept.setMinimumHeight(64)
        self.accept.setStyleSheet(
            "background:#2e7d32;color:white;font-size:20px;font-weight:bold;border-radius:10px;"
        )
        self.retake = QPushButton(self.tr("Retake (Esc)"), self)
        self.retake.setMinimumHeight(64)
        self.retake.setStyleSheet(
            "background:#c62828;color:white;font-size:20px;font-weight:bold;border-radius:10px;"
        )
        self.adjust = QPushButton(self.tr("Adjust crop"), self)
        self.adjust.setCheckable(True)
        self.whiten = QCheckBox(self.tr("Whiten background (Ctrl+W)"), self)
        self.busy = QLabel(self)

        photos = QGridLayout()
        photos.addWidget(QLabel(self.tr("Actual size (358 × 441)"), self), 0, 0)
        photos.addWidget(QLabel(self.tr("Zoomed"), self), 0, 1)
        photos.addWidget(self.actual, 1, 0, Qt.AlignmentFlag.AlignTop)
        photos.addWidget(zoom_area, 1, 1)
        photos.addWidget(self.adjuster, 1, 1)

        right = QVBoxLayout()
        right.addWidget(self.table, 1)
        right.addWidget(self.notes)
        tools = QHBoxLayout()
        tools.addWidget(self.adjust)
        tools.addWidget(self.whiten)
        tools.addStretch(1)
        tools.addWidget(self.busy)
        right.addLayout(tools)
        answers = QHBoxLayout()
        answers.addWidget(self.retake)
        answers.addWidget(self.accept)
        right.addLayout(answers)

        body = QHBoxLayout()
        body.addLayout(photos, 3)
        body.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addWidget(self.verdict)
        outer.addLayout(body, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.accept.clicked.connect(self.accept_clicked)
        self.retake.clicked.connect(self.retake_clicked)
        self.whiten.toggled.connect(self.whiten_toggled)
        self.adjust.toggled.connect(self._on_adjust_toggled)
        self.adjuster.committed.connect(self.adjust_committed)

    def _on_adjust_toggled(self, on: bool) -> None:
        self.adjuster.setVisible(on)
        self.zoomed.parentWidget().parentWidget().setVisible(not on)  # the scroll area

    def set_adjust_available(self, ok: bool, reason: str = "") -> None:
        self.adjust.setEnabled(ok)
        self.adjust.setToolTip(reason)
        if not ok:
            self.adjust.setChecked(False)

    def set_busy(self, text: str) -> None:
        self.busy.setText(text)
        self.accept.setEnabled(not text and self.outcome is not None and self.outcome.compliant)

    def show_outcome(self, outcome: PhotoOutcome) -> None:
        self.outcome = outcome
        image = QImage.fromData(outcome.jpeg, "JPEG")
        pix = QPixmap.fromImage(image)
        self.actual.setPixmap(pix)
        self.zoomed.setPixmap(
            pix.scaled(
                pix.width() * 2,
                pix.height() * 2,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        rep = outcome.report
        ok = rep.compliant
        kb = len(outcome.jpeg) / 1024
        if ok:
            self.verdict.setText(self.tr("Compliant — %1 KB").replace("%1", f"{kb:.1f}"))
            self.verdict.setStyleSheet("background:#2e7d32;color:white;border-radius:8px;")
        else:
            n = len(rep.failing("error"))
            self.verdict.setText(
                self.tr("Not compliant: %1 problem(s) — retake or adjust").replace("%1", str(n))
            )
            self.verdict.setStyleSheet("background:#c62828;color:white;border-radius:8px;")
        checks = sorted(rep.checks, key=lambda c: (c.passed, c.level != "error"))
        self.table.setRowCount(len(checks))
        for row, c in enumerate(checks):
            status = "✔" if c.passed else ("✘" if c.level == "error" else "⚠")
            colour = (
                QColor("#2e7d32")
                if c.passed
                else (QColor("#c62828") if c.level == "error" else QColor("#ef6c00"))
            )
            cells = [
                check_label(c.id, self.lang),
                _fmt(c.value),
                c.expected,
                f"{status} {c.message('zh' if self.lang == 'zh' else 'en')}" if not c.passed else status,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(c.message("zh" if self.lang == "zh" else "en"))
                if col == 3:
                    item.setForeground(colour)
                self.table.setItem(row, col, item)
        notes = list(rep.notes)
        if rep.whitened:
            notes.append(self.tr("Background whitening was used."))
        if rep.hair_cut:
            notes.append(self.tr("The top of the hair was cut so that the eye line holds."))
        self.notes.setText("\n".join(notes))
        self.whiten.blockSignals(True)
        self.whiten.setChecked(outcome.whitened)
        self.whiten.blockSignals(False)
        self.accept.setEnabled(ok)
        self.accept.setToolTip("" if ok else self.tr("Only a compliant photo can be accepted."))
        self.busy.setText("")
