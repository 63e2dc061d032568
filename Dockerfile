# qorgan sidecar image. Runs as an unprivileged user; the root filesystem can be read-only
# (docker run --read-only --tmpfs /tmp ...): nothing is written outside /tmp and the
# mounted data directory.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m venv /opt/qorgan \
 && /opt/qorgan/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/qorgan/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN groupadd --system qorgan && useradd --system --gid qorgan --home-dir /nonexistent \
      --shell /usr/sbin/nologin qorgan \
 && mkdir -p /var/lib/qorgan && chown qorgan:qorgan /var/lib/qorgan
COPY --from=build /opt/qorgan /opt/qorgan
ENV PATH=/opt/qorgan/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    QORGAN_HOST=0.0.0.0 \
    QORGAN_PORT=8080 \
    QORGAN_POLICY=builtin:default
USER qorgan:qorgan
WORKDIR /var/lib/qorgan
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz').status == 200 else 1)"
ENTRYPOINT ["qorgan"]
CMD ["serve"]
