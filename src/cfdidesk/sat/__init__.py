"""SAT rules as pure functions: RFC, catalogs. No models, no views."""
