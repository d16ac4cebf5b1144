"""Recompute resources/demo/grace_hopper_mask.png: mediapipe SelfieSegmentation's person mask of
the demo camera's retouched portrait (capture/sources/demo.py). Run after changing the
retouching:  .venv/bin/python scripts/make_demo_mask.py"""

from __future__ import annotations

import numpy as np
from PIL import Image

from capture.sources import demo
from capture.sources.files import load_rgb


def main() -> None:
    import mediapipe as mp

    rgb = demo._grade(load_rgb(demo.demo_portrait_path()))
    with mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0) as seg:
        mask = seg.process(rgb).segmentation_mask
    target = demo._mask_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.clip(mask * 255 + 0.5, 0, 255).astype(np.uint8)).save(target, optimize=True)
    print(target)


if __name__ == "__main__":
    main()
