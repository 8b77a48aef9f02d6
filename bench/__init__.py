"""Benchmarks. Run each from the repository root as a module, `python -m bench.NAME`:
then this folder is not on sys.path, so bench/ocr.py cannot shadow the `ocr` package."""
