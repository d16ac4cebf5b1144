"""Pure imaging: cameras, face analysis, the photo checks, the crop solver and the JPEG encoder.

Depends only on numpy, OpenCV, mediapipe and Pillow; never on Qt, ``station`` or ``ui``
(tests/test_architecture.py checks it), so it can be used alone as a library."""
