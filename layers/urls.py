from django.urls import path

from layers import views

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<str:code>/", views.project_detail, name="project-detail"),
]
