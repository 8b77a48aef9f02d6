"""The document workflow as the review station calls it after a merge or split: the model
is loaded once, the proposing is intake.workflow's."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from intake.workflow import propose_document

if TYPE_CHECKING:
    from flask import Flask

    from classifier.model import Classifier
    from intake.workflow import DocumentProposer

log = logging.getLogger(__name__)

_lock = threading.Lock()


def _model(app: Flask) -> Classifier:
    """app.extensions["buzon_model"], else the saved model (trained if absent), kept there."""
    if (found := app.extensions.get("buzon_model")) is not None:
        return found
    with _lock:
        if (found := app.extensions.get("buzon_model")) is not None:
            return found
        from classifier.training import load_or_train

        settings = app.config["BUZON_SETTINGS"]
        model = load_or_train(settings.models_dir, settings.profile,
                              lambda msg: log.info("%s", msg))
        app.extensions["buzon_model"] = model
        return model


def get_proposer(app: Flask) -> DocumentProposer:
    """`intake.workflow.propose_document` over the station's model."""
    model = _model(app)
    return lambda pages, unit: propose_document(pages, model, unit)


def reset(app: Flask) -> None:
    """Forget the loaded model (after a retrain): the next merge or split loads the new one."""
    app.extensions.pop("buzon_model", None)
