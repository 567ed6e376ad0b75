# The web app image used by docker-compose.yml (Debian 12, the same stack as `make run`).
FROM python:3.11-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin libgdal32 gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install --no-cache-dir -r requirements.txt -c constraints.txt
COPY . .
RUN python scripts/fetch_assets.py --served \
    && SECRET_KEY=build python manage.py compilemessages --ignore=.venv -v 0 \
    && SECRET_KEY=build python manage.py collectstatic --no-input -v 0
# gunicorn with the settings every deployment shares; docker-compose.yml puts nginx in front
# of it (deploy/nginx/bdmap.conf.template), which is the only port it publishes.
ENV GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "geo.wsgi"]
