app_name = "credit_control"

urlpatterns: list = []
