"""Rules over Terraform configurations: AWS (TF0xx security, TF1xx monitoring, TF2xx reliability),
GCP (TF3xx), Azure (TF4xx) and alerting-as-code providers (TF5xx)."""

#: File kinds whose objects are Terraform objects.
KINDS = ("terraform",)
