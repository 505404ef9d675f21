"""Center workflows: adding and removing a center's photos."""

import uuid

from django.db import transaction

from portal.core.images import process_image

from ..models import Photo


@transaction.atomic
def add_photo(*, center, upload, caption=""):
    """Verify, resize and store a photo; raises ValidationError (nothing saved) on bad input."""
    display, thumb = process_image(upload)  # raises before anything touches the database or disk
    photo = Photo(center=center, caption=caption, position=center.photos.count())
    stem = uuid.uuid4().hex  # unguessable and collision-free across processes
    photo.image.save(f"{stem}.jpg", display, save=False)
    photo.thumbnail.save(f"{stem}-thumb.jpg", thumb, save=False)
    photo.save()
    return photo


def remove_photo(*, center, photo_pk):
    """Delete a photo of this center and, once the transaction commits, its two files."""
    photo = center.photos.filter(pk=photo_pk).first()
    if photo is None:
        return False
    files = [photo.image, photo.thumbnail]
    photo.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f.name])
    return True
