"""HTML handlers for phones and supervisors: parse, authorize, call a service, render."""
