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

        from directory import search as directory_search
        from directory import territories, vocabulary
        from search import registry

        registry.register_places(territories.place_finder)
        registry.register_documents(directory_search.ORGANISATIONS, directory_search.SERVICES)
        registry.register_facet("theme", vocabulary.theme_labels, listed=directory_search.category_codes)
        registry.register_facet("public", directory_search.public_facet_labels)
        registry.register_facet("type", vocabulary.type_labels)
        registry.register_facet("territory", directory_search.territory_labels)
