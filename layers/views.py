from django.shortcuts import get_object_or_404, render

from layers.models import Layer
from projects.access import visible_projects


def home(request):
    layers = Layer.objects.filter(kind=Layer.Kind.THEMATIC).select_related("sector")
    projects = visible_projects(request.user)
    return render(request, "layers/home.html", {"layers": layers, "projects": projects})


def project_detail(request, code):
    project = get_object_or_404(visible_projects(request.user), code=code)
    return render(request, "layers/project_detail.html", {"project": project})
