"""Files in, documents out: discovery, storage, loading, splitting, pipeline, CLI."""
