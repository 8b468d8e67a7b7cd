"""A stand-in for Google's APIs on 127.0.0.1, serving a deterministic world of clinics.

The demo and most tests run the real collectors against it over real HTTP.
"""

from seo_monitor.sandbox.server import running_sandbox
from seo_monitor.sandbox.world import World

__all__ = ["World", "running_sandbox"]
