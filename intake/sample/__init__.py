"""A realistic day's buzón (volantes, letters, junk) as scan files with ground truth."""

from __future__ import annotations

from intake.sample.generate import TRUTH_FILE, write_sample

__all__ = ["TRUTH_FILE", "write_sample"]
