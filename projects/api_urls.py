from rest_framework.routers import DefaultRouter

from projects.api import AdminUnitViewSet, ProjectViewSet

router = DefaultRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("admin-units", AdminUnitViewSet, basename="adminunit")

urlpatterns = router.urls
