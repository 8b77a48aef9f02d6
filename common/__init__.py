"""What every layer shares and nothing else: the error root and exit codes, atomic writes.

It imports nothing of the project, so ocr, classifier, models, intake and review_ui may all
import it (STYLE.md's import direction; tests/test_architecture.py).
"""
