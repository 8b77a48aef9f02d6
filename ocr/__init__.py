"""Image in, text and fields out: preprocessing, Tesseract, PDF text layer, volante forms."""
