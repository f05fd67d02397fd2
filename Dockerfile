FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
RUN DATABASE_URL=postgres://x@localhost/x REDIS_URL=redis://localhost SECRET_KEY=build python manage.py collectstatic --noinput
USER nobody
