"""Rules over Dockerfiles: the image that runs (final stage) and every build stage (DF0xx)."""

#: File kinds whose objects are Dockerfile objects.
KINDS = ("dockerfile",)
