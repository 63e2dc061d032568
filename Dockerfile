# qorgan image, built from requirements.lock: every dependency (the spaCy model and the
# Russian NER files included) at a pinned version, checked against its sha256 hashes.
#
#   docker build -t qorgan:0.1.0 .
#   docker run --rm -p 8080:8080 --read-only --tmpfs /tmp \
#     -e QORGAN_UPSTREAM=https://api.openai.com/v1 -e QORGAN_MASTER_KEY=<64 hex> qorgan:0.1.0
#
# Needs BuildKit (Docker's default builder since 23.0) for RUN --network=none.
#
# Runs as an unprivileged numeric user (Kubernetes can check runAsNonRoot against it); the
# root filesystem can be read-only: nothing is written outside /tmp and /var/lib/qorgan (the
# decision log). The models are inside the image and load with the network switched off.
#
# Base image: a tag moves, a digest does not. No digest is written here because none could
# be resolved where this file was last changed (no registry access); pin it where you build:
#   docker buildx imagetools inspect python:3.11-slim-bookworm   # prints "Digest: sha256:..."
#   docker build --build-arg PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:<digest> -t qorgan .
# and keep that build argument in your CI so every build starts from the same bytes.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements.lock ./
RUN python -m venv /opt/qorgan \
 && /opt/qorgan/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md LICENSE NOTICE ./
COPY src ./src
# --no-build-isolation: build with the locked setuptools, not whatever the index has today
RUN /opt/qorgan/bin/pip install --no-deps --no-build-isolation . \
 && /opt/qorgan/bin/pip check

FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 qorgan \
 && useradd --system --uid 10001 --gid qorgan --home-dir /nonexistent \
      --shell /usr/sbin/nologin qorgan \
 && mkdir -p /var/lib/qorgan && chown 10001:10001 /var/lib/qorgan
COPY --from=build /opt/qorgan /opt/qorgan
COPY LICENSE NOTICE /usr/share/doc/qorgan/
ENV PATH=/opt/qorgan/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    QORGAN_HOST=0.0.0.0 \
    QORGAN_PORT=8080 \
    QORGAN_POLICY=builtin:default
USER 10001:10001
WORKDIR /var/lib/qorgan
# The English, Russian and Kazakh detectors load from the image alone: no network here.
RUN --network=none printf '%s\n' \
      '{"text": "Aigerim Serikova from Astana, IIN 901123300258"}' \
      '{"text": "Меня зовут Иван Петров"}' \
    | qorgan scan - > /tmp/models-check \
 && grep -q '"KZ_IIN"' /tmp/models-check \
 && test "$(grep -c '"PERSON"' /tmp/models-check)" = 2 \
 && rm /tmp/models-check
EXPOSE 8080
# The probe reads QORGAN_HOST and QORGAN_PORT, so it follows a port changed at run time.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-m", "qorgan.cli.probe", "/healthz"]
ENTRYPOINT ["qorgan"]
CMD ["serve"]
