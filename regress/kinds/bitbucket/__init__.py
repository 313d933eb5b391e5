"""Bitbucket Pipelines: ``bitbucket-pipelines.yml`` — pipelines per trigger, made of steps."""
