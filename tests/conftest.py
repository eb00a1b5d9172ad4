import os

from hypothesis import HealthCheck, settings

# Property tests: float64, no per-example deadline (first calls import NumPy
# paths and would trip it), a bounded number of examples so CI stays fast.
settings.register_profile(
    "default", max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
