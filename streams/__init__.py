"""newsmon streams: the Faust app, its settings, topics and tables, and the domain logic it runs."""

__version__ = "0.1.0"
