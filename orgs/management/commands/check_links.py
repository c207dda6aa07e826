"""Check every link the directory shows and record what each answered (orgs/links.py).

Run it regularly (e.g. weekly from cron): a link that fails two checks in a row is no longer
shown on profiles, and the admin's "Broken or moved links" lists it for curators."""

from django.core.management.base import BaseCommand

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
        created, updated = links.record(outcomes)
        forgotten = links.forget_unused(in_use)
        checks = {check.url: check for check in [*created, *updated]}
        failed = [o for o in outcomes if not o.ok]
        moved = [o for o in outcomes if o.ok and o.moved]
        for outcome in failed:
            check = checks[outcome.url]
            state = "dead, hidden from profiles" if check.is_dead else "failed once"
            self.stdout.write(f"{outcome.url}: {outcome.error} ({state})")
        for outcome in moved:
            self.stdout.write(f"{outcome.url}: moved to {outcome.final_url}")
        dead = sum(checks[o.url].is_dead for o in failed)
        self.stdout.write(
            f"{len(outcomes)} links checked: {len(outcomes) - len(failed)} answered "
            f"({len(moved)} moved), {len(failed)} failed ({dead} dead); "
            f"{forgotten} no longer used forgotten."
        )
