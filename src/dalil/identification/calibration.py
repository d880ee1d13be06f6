"""Face distance as evidence: log-likelihood ratio in bits, fitted on known pairs.

A raw distance of 0.5 means nothing to a reviewer or a court; "this face distance is
2^3 = 8 times more likely if they are the same person than if they are not" does, and
adds to the other comparisons' weights on the same scale (bits, as in Splink). The ratio
is a logistic regression of "same person" on distance with both classes weighted
equally, so that its log-odds are the log-likelihood ratio, free of how many pairs of
each kind the calibration set happened to hold. It is linear in distance, so that a
closer face can never weigh less, and capped, so that no face alone can outweigh a
sex mismatch or a death before arrest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# No face comparison weighs more than 2^10 either way: distances beyond the calibration
# data are extrapolation, and identification must never rest on the face alone.
CAP_BITS = 10.0
_NEWTON_STEPS = 50
# A light L2 penalty keeps the fit finite when the two classes do not overlap at all.
_RIDGE = 1e-7


@dataclass(frozen=True)
class FaceCalibration:
    intercept: float  # bits at distance 0
    slope: float  # bits per unit of distance (negative)
    source: str
    cap: float = CAP_BITS

    def bits(self, distance: float) -> float:
        value = self.intercept + self.slope * distance
        return max(-self.cap, min(self.cap, value))

    def even_odds_distance(self) -> float:
        """The distance at which a face is as likely the same person as not."""
        return -self.intercept / self.slope


# Fitted by bench/identification.py on the ORL faces (one portrait vs the best of 4
# degraded post-mortem stand-ins, 40 people, 430 cases each; dlib ResNet, detection over
# rotations): even odds at distance 0.555. dlib's own threshold on LFW is 0.6 for
# undegraded photos. Refit on the archive's confirmed identifications when there are
# enough of them; 40 people is a small calibration set.
DEFAULT = FaceCalibration(
    intercept=24.27, slope=-43.72, source="ORL degraded (40 people), bench/identification.py"
)


def fit(genuine: Sequence[float], impostor: Sequence[float], source: str) -> FaceCalibration:
    """Balanced logistic regression of same-person on distance (Newton's method)."""
    if len(genuine) < 2 or len(impostor) < 2:
        raise ValueError("calibration needs at least two genuine and two impostor distances")
    data = [(d, 1.0, 0.5 / len(genuine)) for d in genuine]
    data += [(d, 0.0, 0.5 / len(impostor)) for d in impostor]
    a, b = 0.0, 0.0
    for _ in range(_NEWTON_STEPS):
        ga = gb = haa = hab = hbb = 0.0
        for x, y, w in data:
            p = 1 / (1 + math.exp(-max(-50.0, min(50.0, a + b * x))))
            ga += w * (p - y)
            gb += w * (p - y) * x
            s = w * p * (1 - p)
            haa += s
            hab += s * x
            hbb += s * x * x
        ga, gb, haa, hbb = ga + _RIDGE * a, gb + _RIDGE * b, haa + _RIDGE, hbb + _RIDGE
        det = haa * hbb - hab * hab
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-10:
            break
    return FaceCalibration(a / math.log(2), b / math.log(2), source)
