"""Backups that restore: `manage.py backup` and `manage.py restore` (issue 16, section 6).

One dated tar archive per backup, never compressed again (pg_dump's custom format is already
compressed, photos are JPEG):

    database.pgdump | database.sqlite3   pg_dump -Fc, or SQLite's online backup API
    media/<path>                          every file under MEDIA_ROOT
    manifest.json                         written last: what is inside and how to check it

The manifest lists the database vendor, the applied migrations, every table's row count and
checksum (`tables.py`: computed the same way on the source and on the restored database),
every file's SHA-256 and size, when and by which version of the portal it was made. Personal
data is copied as stored, i.e. encrypted: nothing is decrypted, and the key is not in the
archive (only a keyed check value that tells restore whether the configured key is the same).
"""
