"""Rules over compose services (DC0xx)."""

#: File kinds whose objects are compose services.
KINDS = ("compose",)
