"""The referentials are loaded from public files (`load_referentials`), never edited by
hand: the admin only lets operators look them up."""

from django.contrib import admin

from .models import (
    BlocSkill,
    Commune,
    Country,
    Department,
    Fiche,
    FicheBloc,
    FicheCertifier,
    FicheRome,
    NafCode,
    ReferentialLoad,
    Region,
    RomeAppellation,
    RomeCode,
    RomeCompetenceArea,
    RomeDomain,
    RomeMobility,
    RomeSkill,
    RomeSkillLink,
    RomeWorkContext,
)
from .text import normalize


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReferentialAdmin(ReadOnlyMixin, admin.ModelAdmin):
    show_full_result_count = False  # COUNT(*) on every search is wasted on 100k rows
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        """Also match the normalised term against `search_text` (accents, case)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = normalize(search_term).split()
        if words and any(f.name == "search_text" for f in self.model._meta.fields):
            by_words = queryset
            for word in words:
                by_words = by_words.filter(search_text__contains=word)
            results = results | by_words
        return results, may_have_duplicates


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Region)
class RegionAdmin(ReferentialAdmin):
    list_display = ("code", "name")
    search_fields = ("=code", "name")


@admin.register(Department)
class DepartmentAdmin(ReferentialAdmin):
    list_display = ("code", "name", "region_code")
    list_filter = ("region_code",)
    search_fields = ("=code", "name")


@admin.register(Commune)
class CommuneAdmin(ReferentialAdmin):
    list_display = ("code", "name", "kind", "department_code", "region_code", "parent_code")
    list_filter = ("kind",)
    search_fields = ("=code",)


@admin.register(Country)
class CountryAdmin(ReferentialAdmin):
    list_display = ("code", "name", "iso2", "iso3")
    search_fields = ("=code", "=iso2", "=iso3")


@admin.register(NafCode)
class NafCodeAdmin(ReferentialAdmin):
    list_display = ("code", "label", "section")
    list_filter = ("section",)
    search_fields = ("code",)


class RomeAppellationInline(ReadOnlyTabularInline):
    model = RomeAppellation
    fields = ("ogr", "label")


class RomeSkillLinkInline(ReadOnlyTabularInline):
    model = RomeSkillLink
    fields = ("skill", "kind", "centrality")
    raw_id_fields = ("skill",)


class RomeMobilityInline(ReadOnlyTabularInline):
    model = RomeMobility
    fk_name = "source"
    fields = ("target", "rank")
    raw_id_fields = ("target",)


@admin.register(RomeCode)
class RomeCodeAdmin(ReferentialAdmin):
    list_display = ("code", "label", "parent", "ogr", "item_count", "core_count")
    search_fields = ("code", "=ogr")
    raw_id_fields = ("parent",)
    inlines = [RomeAppellationInline, RomeSkillLinkInline, RomeMobilityInline]


@admin.register(RomeDomain)
class RomeDomainAdmin(ReferentialAdmin):
    list_display = ("code", "label")
    search_fields = ("=code", "label")


@admin.register(RomeCompetenceArea)
class RomeCompetenceAreaAdmin(ReferentialAdmin):
    list_display = ("code", "level", "label")
    list_filter = ("level",)


@admin.register(RomeWorkContext)
class RomeWorkContextAdmin(ReferentialAdmin):
    list_display = ("ogr", "label", "category")
    list_filter = ("category",)
    search_fields = ("=ogr", "label")


@admin.register(BlocSkill)
class BlocSkillAdmin(ReferentialAdmin):
    list_display = ("bloc", "skill", "words")
    list_select_related = ("bloc", "skill")
    search_fields = ("=bloc__code",)
    raw_id_fields = ("bloc", "skill")


@admin.register(RomeAppellation)
class RomeAppellationAdmin(ReferentialAdmin):
    list_display = ("ogr", "label", "rome")
    list_select_related = ("rome",)
    search_fields = ("=ogr", "=rome__code")
    raw_id_fields = ("rome",)


@admin.register(RomeSkill)
class RomeSkillAdmin(ReferentialAdmin):
    list_display = ("ogr", "label", "kind", "is_macro", "tree_code", "category", "subcategory")
    list_filter = ("kind", "is_macro", "category")
    raw_id_fields = ("macro",)
    search_fields = ("=ogr",)


class FicheBlocInline(ReadOnlyTabularInline):
    model = FicheBloc
    fields = ("code", "title")


class FicheCertifierInline(ReadOnlyTabularInline):
    model = FicheCertifier
    fields = ("name", "siret")


class FicheRomeInline(ReadOnlyTabularInline):
    model = FicheRome
    fields = ("rome_code", "rome_label")


@admin.register(Fiche)
class FicheAdmin(ReferentialAdmin):
    list_display = ("code", "title", "kind", "level", "active", "expires_on", "successor_code")
    list_filter = ("kind", "active", "level")
    search_fields = ("code", "=successor_code")
    raw_id_fields = ("successor",)
    inlines = [FicheBlocInline, FicheCertifierInline, FicheRomeInline]


@admin.register(ReferentialLoad)
class ReferentialLoadAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "loaded_at", "rows", "seconds", "source_dir")
