"""Staff sign-in in the admin: the failed sign-ins django-axes is counting, and unlocking them.

Editors may unlock curators (and addresses trying usernames that are no account); an editor's
or a superuser's lockout is for a superuser to lift, as their accounts are for a superuser to
change (``curation.curator_accounts``)."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.models import User

from .curation import curator_accounts


def accounts_above_curators():
    return User.objects.exclude(pk__in=curator_accounts(User.objects).values("pk"))


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class FailedSignInAdmin(AccessAttemptAdmin):
    """django-axes's list of failed sign-ins, by account and address, with an **Unlock**
    action (the delete permission): the account may sign in again from that address at once."""

    actions = ["unlock"]

    def is_limited(self, request):
        return not request.user.is_superuser

    def get_queryset(self, request):
        attempts = super().get_queryset(request)
        if self.is_limited(request):
            return attempts.exclude(username__in=accounts_above_curators().values("username"))
        return attempts

    def is_managed(self, request, attempt):
        if attempt is None or not self.is_limited(request):
            return True
        return self.get_queryset(request).filter(pk=attempt.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.is_managed(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # a record of what happened: nothing to edit

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.is_managed(request, obj)

    @admin.action(description="Unlock: let these accounts sign in again", permissions=["delete"])
    def unlock(self, request, queryset):
        unlocked = sorted({f"{a.username} from {a.ip_address}" for a in queryset})
        queryset.delete()
        self.message_user(
            request,
            f"Unlocked {len(unlocked)}: {', '.join(unlocked)}."
            if unlocked
            else "Nothing to unlock.",
            messages.SUCCESS,
        )
