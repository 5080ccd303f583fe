"""What the `jianfu` command runs besides the server: demo data, backups, icons, imports."""
