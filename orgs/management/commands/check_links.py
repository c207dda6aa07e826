"""Check every link the directory shows and record what each answered (orgs/links.py).

Run it weekly (docs/deploy.md has a systemd timer and a cron line): a link that fails two
checks in a row is no longer shown on profiles, and the admin's "Broken or moved links" lists
it for curators. It prints a summary first, then each link that needs a curator with the
listings that use it, so its output reads as a mail. Exit status: 0 when no link is dead,
1 when some are (hidden from profiles until a curator acts or they answer again), 2 when no
link answered at all: then this server is probably offline, and nothing is recorded, so a
network fault here never hides the directory's links."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from orgs import links


class Command(BaseCommand):
    help = "Fetch every website, source, donate, volunteer, helpline and evidence link."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=8, help="Sites checked at once.")
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds per request.")
        parser.add_argument(
            "--retries", type=int, default=2, help="Further tries after a failure that may pass."
        )
        parser.add_argument(
            "--pause", type=float, default=1.0, help="Seconds between requests to one site."
        )

    def handle(self, *args, workers, timeout, retries, pause, **options):
        in_use = links.urls_in_use()
        checker = links.Checker(
            timeout=timeout, retries=max(retries, 0), pause=pause, workers=max(workers, 1)
        )
        outcomes = checker.check_all(in_use)
        if outcomes and not any(outcome.ok for outcome in outcomes):
            raise CommandError(
                f"None of the {len(outcomes)} links answered: is this server offline? Nothing "
                "was recorded, so no link was hidden.",
                returncode=2,
            )
        created, updated = links.record(outcomes)
        forgotten = links.forget_unused(in_use)
        checks = {check.url: check for check in [*created, *updated]}
        failed = [o for o in outcomes if not o.ok]
        dead = [o for o in failed if checks[o.url].is_dead]
        moved = [o for o in outcomes if o.ok and o.moved]
        self.stdout.write(
            f"{len(outcomes)} links checked: {len(outcomes) - len(failed)} answered "
            f"({len(moved)} moved), {len(failed)} failed ({len(dead)} dead); "
            f"{forgotten} no longer used forgotten."
        )
        using = links.listings_using(o.url for o in [*failed, *moved])
        for title, group, says in [
            ("Dead: failed twice in a row, hidden from profiles", dead, lambda o: o.error),
            (
                "Failed once: still shown, hidden if they fail the next check",
                [o for o in failed if o not in dead],
                lambda o: o.error,
            ),
            ("Moved: update the listings", moved, lambda o: f"now at {o.final_url}"),
        ]:
            if group:
                self.stdout.write(f"\n{title}:")
            for outcome in group:
                names = ", ".join(listing.name for listing in using.get(outcome.url, []))
                self.stdout.write(f"  {outcome.url}: {says(outcome)} ({names})")
        if failed or moved:
            queue = reverse("admin:orgs_brokenlink_changelist")
            self.stdout.write(f"\nThe curators' queue: {settings.SITE_URL}{queue}")
        if dead:
            raise CommandError(f"{len(dead)} links are dead (see above).", returncode=1)
