"""GitLab CI: the effective pipeline of ``.gitlab-ci.yml`` with everything it includes, resolved
offline (includes, extends, ``!reference``, ``default:``, hidden jobs) and mapped into the CI model."""
