"""Enrollment: find or create an applicant (validated as you type), then per application attach
the photo, show the six-item comparison, print the forms with a preview, and encode the card."""

from ui.enroll.applicant_form import ApplicantForm
from ui.enroll.page import EnrollPage

__all__ = ["ApplicantForm", "EnrollPage"]
