"""Rasa's LogisticRegressionClassifier, stored as plain numpy arrays so the model loads fast.

Rasa 3.6 stores it with skops; ``import skops.io`` walks every scikit-learn module (about 9 s of
the model's load time on this 2-core machine, more than everything else together). A logistic
regression is just weights, an intercept and class names: saved with ``numpy.savez`` and read
back with ``allow_pickle=False`` (nothing executable in the model file, the reason Rasa moved to
skops). Training and prediction are Rasa's own.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

log = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FastLoadLogisticRegressionClassifier(LogisticRegressionClassifier):
    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(
                model_dir / f"{self._resource.name}.npz",
                coef=self.clf.coef_, intercept=self.clf.intercept_, classes=np.array(self.clf.classes_, dtype=str),
            )

    @classmethod
    def load(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext, **kwargs: Any,
    ) -> FastLoadLogisticRegressionClassifier:
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                with np.load(model_dir / f"{resource.name}.npz", allow_pickle=False) as data:
                    component.clf.coef_ = data["coef"]
                    component.clf.intercept_ = data["intercept"]
                    component.clf.classes_ = np.array([str(c) for c in data["classes"]], dtype=object)
                    component.clf.n_features_in_ = component.clf.coef_.shape[1]
        except (ValueError, OSError):
            log.warning("intent classifier %s not found in the model; the model must be retrained", resource.name)
        return component
