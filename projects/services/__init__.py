"""Services of the projects app (workflows across models, plain functions with keyword-only
arguments), one module per topic: service, volunteers, activities, micro and funds."""
