"""sdrdesk: a local-first desktop workstation for Sales Development Representatives."""

__version__ = "0.1.0"
