"""Staff API of incidents (madini.incidents.api): filled in by the staff API work."""

urlpatterns = []
