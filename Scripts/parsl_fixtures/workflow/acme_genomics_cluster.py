"""A lab's own site module, as a Parsl user would write one: a provider subclass named after the lab.

Parsl's usage tracking (level 2 and 3, and the all-or-nothing 2024.5 generation) walks the configuration
and reports every object's `module.Class`, so this module's and class's names leave the machine. The
fixtures that use it show that disclosure with a real client.
"""

from parsl.providers import LocalProvider


class AcmeProvider(LocalProvider):
    """LocalProvider under the lab's name; it changes nothing, so the run itself is an ordinary local run."""
