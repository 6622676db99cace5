"""Helpers of the patrol pages (the plain-form fallbacks go through `app.sync.forms`)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
MAX_SOURCE_PHOTO_BYTES = 25 * 1024 * 1024  # a photo straight from a phone camera; resized before upload


def form_values(data: dict[str, Any]) -> dict[str, str]:
    """Text fields of a posted form, stripped; transport fields (`_csrf_token`) left out."""
    return {k: v.strip() for k, v in data.items() if isinstance(v, str) and not k.startswith("_")}


def without_photos(data: dict[str, Any]) -> dict[str, Any]:
    """A plain form (no JavaScript) cannot send photos: they are resized and uploaded by the phone,
    so the file field's value (a bare file name) is left out."""
    return {k: v for k, v in data.items() if k != "photos"}
