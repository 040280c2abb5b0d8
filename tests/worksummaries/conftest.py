from tests.dashboard import conftest as dashboard_fixtures

world = dashboard_fixtures.world  # the same accepted reports
