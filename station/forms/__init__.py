"""Printed forms, as PDFs with embedded (subset) TrueType CJK fonts, built with reportlab.

* :func:`application_pdf` / :func:`unit_application_pdf` - 申领登记表 (individual / unit);
* :func:`confirmation_pdf` - 信息确认表 / 二次采集比对表;
* :func:`receipt_pdf` - 数字相片采集回执 (``card`` 90 x 54 mm or ``a4``);
* :func:`unit_list_pdf` - a unit's list for a batch;
* :func:`save_pdf` - keep a form in ``<data_dir>/forms/`` (atomically) before it is printed.

The forms take the plain values of :mod:`station.forms.data`; :mod:`station.forms.collect` builds
them from the records database. Fonts: :mod:`station.forms.fonts`. Errors:
:mod:`station.forms.errors`. Never imports Qt.
"""

from station.forms.application import application_pdf, unit_application_pdf
from station.forms.confirmation import confirmation_pdf
from station.forms.errors import FontNotFoundError, FormDataError, FormsError, MissingGlyphsError
from station.forms.fonts import FontSet, default_fontset
from station.forms.output import forms_dir, save_pdf
from station.forms.receipt import receipt_pdf
from station.forms.unit_list import unit_list_pdf

__all__ = [
    "FontNotFoundError",
    "FontSet",
    "FormDataError",
    "FormsError",
    "MissingGlyphsError",
    "application_pdf",
    "confirmation_pdf",
    "default_fontset",
    "forms_dir",
    "receipt_pdf",
    "save_pdf",
    "unit_application_pdf",
    "unit_list_pdf",
]
