"""Parley: practise difficult negotiations against hard counterparts, with a coach."""

from simulator.offline import enforce_offline

# Before any third-party import can phone home, switch every known telemetry
# and hub lookup off; nothing may download at run time.
enforce_offline()

__version__ = "0.1.0"
