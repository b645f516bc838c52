from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Partner directory: territories, organisations, services and contacts."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
    label = "directory"
    verbose_name = "Annuaire"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from directory import history
        from directory.models import Contact, Organisation, Service, Territory
        from directory.permissions import contact_policy, organisation_policy, service_policy, territory_policy

        history.connect()
        register_permission_policy(Organisation, organisation_policy)
        register_permission_policy(Service, service_policy)
        register_permission_policy(Contact, contact_policy)
        register_permission_policy(Territory, territory_policy)

        from directory.personal_data import DirectoryContacts
        from relais import personal_data

        personal_data.register(DirectoryContacts())

        from directory import territories
        from search import registry

        registry.register_places(territories.place_finder)
