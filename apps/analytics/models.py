"""Visitors and the audit trail."""
