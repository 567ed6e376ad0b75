from django.urls import path

from layers import account, editor, history, imports, ogc, ogc_writes, plan, review, tiles, views

urlpatterns = [
    path("", views.public_map, name="home"),
    path("map/", views.planner_map, name="planner-map"),
    path("account/tokens/", account.tokens, name="account-tokens"),
    path("export/map.html", views.export_map, name="map-export"),
    path("projects/<str:code>/", views.project_detail, name="project-page"),
    path("plan/", plan.plan_tasks, name="plan-tasks"),
    path("plan/tasks/<str:code>/", plan.plan_task, name="plan-task"),
    path("edit/new/", editor.new_project, name="editor-new"),
    path("edit/geometry/", editor.geometry, name="editor-geometry"),
    path("edit/<str:code>/", editor.edit_project, name="editor-edit"),
    path("edit/<str:code>/submit/", review.submit, name="editor-submit"),
    path("import/", imports.upload, name="import-upload"),
    path("import/confirm/", imports.confirm, name="import-confirm"),
    path("import/cancel/", imports.cancel, name="import-cancel"),
    path("import/<int:batch_id>/", imports.batch, name="import-batch"),
    path("import/jobs/<int:job_id>/", imports.job, name="import-job"),
    path("import/jobs/<int:job_id>/progress/", imports.job_progress, name="import-job-progress"),
    path("import/<int:batch_id>/undo/", imports.undo, name="import-undo"),
    path("review/", review.review_list, name="review"),
    path("review/<str:code>/<slug:name>/", review.review_step, name="review-step"),
    path("projects/<str:code>/history/", history.project_history, name="project-history"),
    path(
        "projects/<str:code>/history/<int:event>/restore/",
        history.restore_version,
        name="project-restore",
    ),
    path("history/", history.changes, name="history-changes"),
    path("history/deleted/", history.deleted_projects, name="deleted-projects"),
    path("history/deleted/<int:event>/restore/", history.restore_deleted, name="deleted-restore"),
    path("tiles/<slug:layer>/<int:z>/<int:x>/<int:y>.pbf", tiles.tile, name="tile"),
    path("tiles/<slug:layer>.json", tiles.tilejson, name="tilejson"),
    # OGC API - Features: the standard's paths have no trailing slash. Items take Part 4's
    # writes (layers.ogc_writes) besides the reads (layers.ogc).
    path("ogc/", ogc.landing, name="ogc-landing"),
    path("ogc/api", ogc.openapi, name="ogc-openapi"),
    path("ogc/conformance", ogc.conformance, name="ogc-conformance"),
    path("ogc/collections", ogc.collections, name="ogc-collections"),
    path("ogc/collections/<str:collection_id>", ogc.collection, name="ogc-collection"),
    path("ogc/collections/<str:collection_id>/items", ogc_writes.items, name="ogc-items"),
    path(
        "ogc/collections/<str:collection_id>/items/<str:feature_id>",
        ogc_writes.item,
        name="ogc-item",
    ),
]
