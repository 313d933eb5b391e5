# regress: the CLI and the GitHub App service (`regress serve`, `regress worker`) in one image.
#
#   docker build -t regress .
#   docker run --rm -v "$PWD:/repo:ro" regress diff --repo /repo main...HEAD
#   docker run -p 8000:8000 -e REGRESS_WEBHOOK_SECRET -e REGRESS_GITHUB_APP_ID \
#       -e REGRESS_GITHUB_PRIVATE_KEY_FILE=/run/secrets/app.pem -v regress-data:/var/lib/regress regress
#
# Build arguments: none are needed. VENV (build stage only) is where the virtual environment is
# built; the runtime stage copies it to the same path.
#
# Environment (every REGRESS_* variable of the service is documented in docs/app.md):
#   REGRESS_DATA_DIR=/var/lib/regress  SQLite state, queue and the mirror cache: mount a volume here
#   REGRESS_HEALTHCHECK_URL            what HEALTHCHECK fetches; default http://127.0.0.1:8000/healthz
#                                      (for `regress worker --metrics-port 9101`: http://127.0.0.1:9101/)
#   HOME=/var/lib/regress              git's home (nothing is written there)
#   TMPDIR (unset: /tmp)               scratch space for chart rendering; must be writable
# The image runs as uid/gid 10001 and works with a read-only root filesystem when
# REGRESS_DATA_DIR and /tmp are writable volumes (deploy/helm/regress does this).
#
# Base image: python:3.13-slim-trixie (Python 3.13.14 on Debian 13), pinned by the digest of its
# multi-platform image index as the Docker Official Images publish it (docker-library/repo-info,
# repos/python/remote/3.13-slim-trixie.md, build of 2026-08-05). Both stages use the same image:
# bump the two FROM lines together.

FROM python:3.13-slim-trixie@sha256:9662417aace5ae7b8e2609cce472b72a8958e134ba372808abe9cc1a0c0125e6 AS build
ARG VENV=/opt/regress
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY regress ./regress
# The venv gets no pip of its own: the image runs regress, it installs nothing at run time.
# Bytecode is compiled here because the runtime's root filesystem may be read-only.
RUN python -m venv --without-pip "${VENV}" \
 && python -m pip --python "${VENV}/bin/python" install . \
 && "${VENV}/bin/python" -m compileall -q "${VENV}/lib" \
 && "${VENV}/bin/regress" --version

FROM python:3.13-slim-trixie@sha256:9662417aace5ae7b8e2609cce472b72a8958e134ba372808abe9cc1a0c0125e6 AS runtime
LABEL org.opencontainers.image.title="regress" \
      org.opencontainers.image.description="Reports what a pull request weakens in tests, security, monitoring and reliability" \
      org.opencontainers.image.licenses="Apache-2.0"
# git is the only system package the service runs (mirror fetches; regress reads objects itself).
# Debian keeps only the newest version of a package in a suite, so a version pin here would break
# the build at git's next security update; the base image digest fixes everything else.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 regress \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/regress --no-create-home \
        --shell /usr/sbin/nologin regress \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/regress
COPY --from=build /opt/regress /opt/regress
ENV PATH=/opt/regress/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/var/lib/regress \
    REGRESS_DATA_DIR=/var/lib/regress
WORKDIR /var/lib/regress
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ.get('REGRESS_HEALTHCHECK_URL', 'http://127.0.0.1:8000/healthz'), timeout=4)"]
ENTRYPOINT ["regress"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
