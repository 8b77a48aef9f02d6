"""A realistic day's buzón (volantes, letters, junk) as scan files with ground truth.

A development package beside the product (tests, benchmarks, `make demo`): it may import
the product's packages, none of them imports it, and the product's wheel does not ship it.
"""

from __future__ import annotations

from synthbox.generate import TRUTH_FILE, write_sample

__all__ = ["TRUTH_FILE", "write_sample"]
