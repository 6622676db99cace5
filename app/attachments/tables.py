"""Which office holds which attachment; the bytes live on disk under data_dir/attachments (SQLite)
or in `attachment_chunk` (PostgreSQL: any instance can serve any upload, DESIGN "Scale")."""

from piccolo.columns import Bytea, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office


class Attachment(Table):
    sha256 = Varchar(length=64, index=True)
    office = ForeignKey(references=Office, null=False, index=True)
    content_type = Varchar(length=50)
    size = Integer()
    uploaded_by = ForeignKey(references=Staff, null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class AttachmentChunk(Table):
    """The bytes of one content-addressed file, in pieces of CHUNK_BYTES (unique on sha256, n):
    written once per content whatever the office, read and streamed piece by piece."""

    id = Serial(primary_key=True)
    sha256 = Varchar(length=64)
    n = Integer()
    data = Bytea()
