# loan-advisor: the Telegram bot in one container (long polling, or a webhook server on port 8443).
#
#   docker build -t loan-advisor .
#   docker run -d --env-file .env -v loan-advisor-data:/data loan-advisor
#   (add -e LOAN_ADVISOR_METRICS_PORT=9464 -p 127.0.0.1:9464:9464 for Prometheus metrics on /metrics)
#
# Layers, slowest-changing first: the dependencies are read from pyproject.toml and installed in a layer
# of their own, so a code change does not reinstall them. The code runs from /app (not site-packages) so
# that it finds the gettext catalogs in /app/locales, which are compiled here from the committed .po
# files. The process runs as an unprivileged user that can write only to /data (the session database).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    LOAN_ADVISOR_DATA_DIR=/data \
    LOAN_ADVISOR_METRICS_LISTEN=0.0.0.0

WORKDIR /app

# OpenCV, under the screenshot OCR (rapidocr-onnxruntime), loads libGL and GLib
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

# dependencies: exactly the [project] dependencies of pyproject.toml, nothing from a hand-kept list
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# the code and the data it reads; .dockerignore keeps out tests, caches, local data and compiled catalogs
COPY babel.cfg ./
COPY locales ./locales
COPY knowledge ./knowledge
COPY flows ./flows
COPY bot ./bot

# catalogs compiled at build (a broken .po file fails the build here, not the bot at run time), then a
# smoke test: the knowledge base must load and validate; then the matchers' index, built once here
# (knowledge/data/.index/) so that the bot starts in a fraction of a second and never writes to /app
RUN pybabel -q compile --use-fuzzy -d locales -D messages \
    && python -c "from knowledge.base import default; default()" \
    && python -m bot kb build

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin advisor \
    && mkdir -p /data && chown advisor /data
USER advisor
VOLUME ["/data"]
# the webhook server (webhook mode), and the Prometheus metrics when LOAN_ADVISOR_METRICS_PORT=9464 is set
EXPOSE 8443 9464

# loads the knowledge base and reaches the session store (SQLite in /data, or Redis); exit 0 or 1
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

CMD ["python", "-m", "bot", "bot"]
