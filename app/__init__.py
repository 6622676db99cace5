"""Customer-service centre app of a residential property-management office."""
