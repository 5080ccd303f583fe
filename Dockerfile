# Jianfu server image. Configure with JIANFU_* variables (see README); data lives in /app/data
# for SQLite, or point JIANFU_DATABASE_URL at PostgreSQL and run several workers.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY server ./server
COPY static ./static
COPY locales ./locales
RUN pip install --no-cache-dir -e . && pybabel compile -d locales -D messages && useradd --system jianfu && mkdir -p data && chown jianfu data
USER jianfu
EXPOSE 8000
CMD ["jianfu", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
