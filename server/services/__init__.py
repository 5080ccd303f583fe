"""One module a capability: load from the store, apply the domain, write back."""
