from django.urls import path

from layers import views

urlpatterns = [
    path("", views.public_map, name="home"),
    path("map/", views.planner_map, name="planner-map"),
    path("export/map.html", views.export_map, name="map-export"),
    path("projects/<str:code>/", views.project_detail, name="project-page"),
]
