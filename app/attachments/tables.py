"""Which office holds which attachment; the bytes live on disk under data_dir/attachments."""

from piccolo.columns import ForeignKey, Integer, Timestamptz, Varchar
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
