"""Operations: backups, restores, handover export, archival."""
