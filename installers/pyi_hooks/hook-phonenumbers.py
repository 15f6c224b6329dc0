"""Replaces the contrib hook, which collects every phonenumbers submodule.

We use the core library and `phonenumbers.timezone` only; the geocoder and carrier data packages
(over 40 MB) stay out. The region metadata modules are imported lazily by name, so collect them.
"""

from PyInstaller.utils.hooks import collect_submodules

UNUSED = ("phonenumbers.geocoder", "phonenumbers.geodata", "phonenumbers.carrier", "phonenumbers.carrierdata")

hiddenimports = collect_submodules("phonenumbers", filter=lambda name: not name.startswith(UNUSED))
