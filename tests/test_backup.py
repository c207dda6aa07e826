"""Backups restore: bin/backup-restore-check dumps a PostgreSQL database holding the seeded
directory the way docs/deploy.md says, restores it into another and compares them."""

import subprocess

from .servers import NO_POSTGRESQL, ROOT, require_postgresql


def test_a_pg_dump_backup_restores_into_an_identical_directory(seed_data):
    result = subprocess.run(
        [str(ROOT / "bin" / "backup-restore-check")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode == NO_POSTGRESQL:
        require_postgresql("restoring a backup")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: the restored copy matches" in result.stdout
    published = sum(o["status"] == "published" for o in seed_data["organisations"])
    assert f"{published} published listings" in result.stdout
