"""The seed's module name: ``from halopsa_integration import HaloIntegration`` works as written."""

from leadbridge import *  # noqa: F401,F403
from leadbridge import __all__  # noqa: F401
