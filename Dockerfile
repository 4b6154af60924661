# gpt-image-2: the web service and UI in one image.
#
#   docker build -t gpt-image-2:local .
#   export GPT_IMAGE_2_WEB_TOKEN="$(openssl rand -hex 32)"    # you sign in with it
#   docker run -d -p 8787:8787 -v gpt-image-2-data:/data \
#     -e GPT_IMAGE_2_WEB_TOKEN -e OPENAI_API_KEY gpt-image-2:local
#
# Stages: "web" builds the SPA with Node, "build" installs the locked Python
# dependencies and the package into /opt/venv with uv, "runtime" is a slim
# Python image with only the venv, the SPA and a non-root user.
# docs/deployment.md has the run recipes; docker/test-image.sh builds and runs
# this file in CI (with podman and locally built base images).
#
# Base images are build arguments so that the same file builds from the
# official images or from any Debian-like image with python3 (+ venv) and
# node (>= 20.19) + npm: the commands below use nothing else.
ARG PYTHON_IMAGE=python:3.12-slim
ARG NODE_IMAGE=node:22-bookworm-slim

# --------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS web
# Optional CA bundle for a TLS-intercepting build network (docker/test-image.sh
# passes one); unset by default, and nothing of it is stored in the image.
ARG NODE_EXTRA_CA_CERTS
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci
COPY frontend/ ./
RUN npm run build && test -f dist/index.html

# --------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ARG UV_VERSION=0.13.9
# Optional CA bundle, as above: uv reads SSL_CERT_FILE, pip PIP_CERT.
ARG SSL_CERT_FILE
ARG PIP_CERT
ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON_PREFERENCE=only-system \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# uv itself lives in a throw-away venv of this stage (works without a system pip).
RUN python3 -m venv /opt/uv \
 && /opt/uv/bin/pip install --quiet "uv==${UV_VERSION}"
WORKDIR /src
# Dependencies first (cached while only the code changes), exactly as locked.
COPY pyproject.toml uv.lock ./
RUN /opt/uv/bin/uv sync --locked --no-dev --no-install-project --python python3
COPY README.md ./
COPY backend ./backend
RUN /opt/uv/bin/uv sync --locked --no-dev --no-editable --python python3 \
 && /opt/venv/bin/python -c "import cv2, numpy, gpt_image_2.web.app" \
 && /opt/venv/bin/gpt-image-2 --version

# --------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ARG APP_UID=1000
ARG APP_GID=1000
LABEL org.opencontainers.image.title="gpt-image-2" \
      org.opencontainers.image.description="Self-hosted image generation service for gpt-image-2 with real transparent PNGs" \
      org.opencontainers.image.licenses="MIT"

# A fixed, numeric non-root user; /data (the volume) belongs to it.
RUN groupadd --gid "${APP_GID}" app \
 && useradd --uid "${APP_UID}" --gid "${APP_GID}" --home-dir /home/app --create-home \
      --shell /usr/sbin/nologin app \
 && mkdir -p /data/codex /data/config /app \
 && chown -R "${APP_UID}:${APP_GID}" /data

COPY --from=build /opt/venv /opt/venv
COPY --from=web /src/frontend/dist /app/public
COPY docker/healthcheck.py /app/healthcheck.py

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/home/app \
    CODEX_HOME=/data/codex \
    XDG_CONFIG_HOME=/data/config \
    GPT_IMAGE_2_WEB_HOST=0.0.0.0 \
    GPT_IMAGE_2_WEB_PORT=8787 \
    GPT_IMAGE_2_WEB_DIST=/app/public

USER ${APP_UID}:${APP_GID}
WORKDIR /home/app
VOLUME ["/data"]
EXPOSE 8787
# /api/session is never gated, so the probe needs no token.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python3", "/app/healthcheck.py"]
# Listening on 0.0.0.0 requires GPT_IMAGE_2_WEB_TOKEN (or, knowingly,
# GPT_IMAGE_2_WEB_ALLOW_UNAUTHENTICATED=1): without either the server exits 2.
# Any other CLI command works too: `docker run --rm IMAGE images generate ...`.
ENTRYPOINT ["gpt-image-2"]
CMD ["serve", "--no-build"]
