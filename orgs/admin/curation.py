"""Curation rules in the admin: the vetting criteria, and the accounts of the people who curate.

Editors manage curators' accounts, but only curators': they cannot grant themselves or anyone
else more than the Curators and Editors roles hold, nor see or change any account that holds
more than the Curators role (a superuser, an editor, anyone with a role or a permission of
their own), nor one that holds no role at all."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from ..models import Criterion
from .forgiving import ForgivingAdminMixin

CURATOR_ROLE = "Curators"


def curator_accounts(users):
    """The accounts an editor manages: in the Curators role and no other, with no permission of
    their own, not superusers. Everything else may hold more than an editor can give."""
    return users.filter(
        is_superuser=False, groups__name=CURATOR_ROLE, user_permissions=None
    ).exclude(groups__in=Group.objects.exclude(name=CURATOR_ROLE))


@admin.register(Criterion)
class CriterionAdmin(ForgivingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_mandatory", "position"]
    list_editable = ["position"]
    readonly_fields = ["slug"]
    fields = ["name", "slug", "question", "explanation", "position"]

    @admin.display(boolean=True, description="Mandatory (setting)")
    def is_mandatory(self, criterion):
        return criterion.is_mandatory

    def has_add_permission(self, request):
        # Criteria come with the code (a migration) because settings name them by slug.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class CuratorAccountAdmin(ForgivingAdminMixin, UserAdmin):
    """Superusers see Django's user admin unchanged; editors manage curators' accounts only."""

    def is_limited(self, request):
        return not request.user.is_superuser

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if self.is_limited(request):
            return curator_accounts(users)
        return users

    def is_managed(self, request, user):
        """Whether this request may act on ``user`` (None: on accounts in general). Checked by
        every view, the password form included, besides the list."""
        if user is None or not self.is_limited(request):
            return True
        return curator_accounts(User.objects.filter(pk=user.pk)).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.is_managed(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.is_managed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.is_managed(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.is_limited(request) or obj is None:
            return fieldsets
        return [
            (None, {"fields": ["username", "password"]}),
            ("Personal info", {"fields": ["first_name", "last_name", "email"]}),
            ("Role", {"fields": ["is_active", "is_staff", "groups"]}),
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and self.is_limited(request):
            kwargs["queryset"] = Group.objects.filter(name=CURATOR_ROLE)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if self.is_limited(request):
            obj.is_superuser = False
            if not change:
                obj.is_staff = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self.is_limited(request):
            # Anything an editor adds is a curator: staff, in the Curators group, nothing more.
            user = form.instance
            user.groups.add(Group.objects.get(name=CURATOR_ROLE))
            user.user_permissions.clear()


@admin.register(Group)
class RoleAdmin(ForgivingAdminMixin, GroupAdmin):
    """The roles: Django's group admin, answering hand-edited addresses like every other."""
