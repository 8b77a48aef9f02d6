"""Text and fields in, proposal out: type model, extraction, route, urgency."""
