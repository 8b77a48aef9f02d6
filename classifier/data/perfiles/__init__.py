"""An institution profile's own texts (read only to train that profile's model)."""
