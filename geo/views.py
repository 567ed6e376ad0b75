"""Health endpoint: is the app up, does the database answer, is PostGIS there."""

from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    body = {"status": "ok", "app": "ok", "database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            body["postgis"] = cursor.fetchone()[0]
    except DatabaseError as exc:
        body.update(status="error", database="error", detail=str(exc).strip().splitlines()[0])
        return JsonResponse(body, status=503)
    return JsonResponse(body)
