"""The estimators a caller may choose, and how a log-linear model is selected.

Kept apart from the estimators themselves (NumPy, SciPy, statsmodels) so that the
command line can offer the choices without loading them.
"""

from __future__ import annotations

from enum import StrEnum


class Method(StrEnum):
    LCMCR = "lcmcr"  # Bayesian latent-class model (Manrique-Vallier 2016)
    LOGLINEAR = "loglinear"  # log-linear models, the one chosen by a ``Criterion``
    INDEPENDENCE = "independence"  # the log-linear model without interactions


class Criterion(StrEnum):
    """Which information criterion selects the log-linear model."""

    AIC = "aic"
    BIC = "bic"
