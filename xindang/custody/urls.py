app_name = "custody"

urlpatterns: list = []
