from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from di4c.networks.models import Network, Organisation, Partnership, Phase, Programme


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class PartnershipInline(admin.TabularInline):
    model = Partnership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]


@admin.register(Network)
class NetworkAdmin(SimpleHistoryAdmin):
    list_display = ["acronym", "name", "programme"]
    list_select_related = ["programme"]
    inlines = [PhaseInline, PartnershipInline]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "population"]
    search_fields = ["name", "slug"]
    list_filter = ["kind", "country"]
