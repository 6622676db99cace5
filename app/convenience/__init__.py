"""Convenience and commissioned services (便民服务, 委托服务; SPEC S4), a kind of paid service."""
