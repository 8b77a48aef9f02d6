"""The classifier as the review station calls it after a merge or split (loaded once)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from flask import Flask

    from classifier.types import Proposal
    from review_ui.regroup import Proposer

log = logging.getLogger(__name__)

_lock = threading.Lock()


def get_proposer(app: Flask) -> Proposer:
    """app.extensions["buzon_proposer"], else one over the saved model (trained if absent)."""
    if (found := app.extensions.get("buzon_proposer")) is not None:
        return found
    with _lock:
        if (found := app.extensions.get("buzon_proposer")) is not None:
            return found
        from classifier.propose import propose
        from classifier.training import load_or_train

        settings = app.config["BUZON_SETTINGS"]
        model = load_or_train(settings.models_dir, settings.profile,
                              lambda msg: log.info("%s", msg))

        def proposer(text: str, unit: str | None,
                     form_fields: Mapping[str, str] | None = None) -> Proposal:
            return propose(text, model, unit=unit, form_fields=form_fields or None)

        app.extensions["buzon_proposer"] = proposer
        return proposer


def reset(app: Flask) -> None:
    """Forget the loaded model (after a retrain)."""
    app.extensions.pop("buzon_proposer", None)
