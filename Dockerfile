# loan-advisor: the Telegram bot in one container. Dependencies are installed in a layer of their own
# before the code is copied, so a code change does not reinstall them. The code runs from /app (not
# site-packages) so that it finds the compiled catalogs in /app/locales.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PYTHONPATH=/app DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
RUN mkdir -p bot flows knowledge && touch bot/__init__.py flows/__init__.py knowledge/__init__.py \
    && pip install . && pip uninstall -y loan-advisor && rm -rf bot flows knowledge build

COPY babel.cfg ./
COPY locales ./locales
COPY knowledge ./knowledge
COPY flows ./flows
COPY bot ./bot
RUN pybabel compile --use-fuzzy -q -d locales -D messages

RUN useradd --create-home --uid 10001 advisor && mkdir -p /data && chown advisor /data
USER advisor
VOLUME ["/data"]

CMD ["python", "-m", "bot", "bot"]
