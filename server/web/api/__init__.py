"""JSON handlers: parse, authorize, call a service, answer."""
