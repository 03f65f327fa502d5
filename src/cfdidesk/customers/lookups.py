"""`field__prefix=value`: an index-friendly, case-sensitive "starts with".

On SQLite, LIKE is case-insensitive and skips the index, so a prefix becomes the
range [value, value + U+10FFFF). PostgreSQL's LIKE 'value%' uses the
varchar_pattern_ops index Django creates for `db_index=True` columns.
"""

from django.db.models import CharField, Lookup
from django.db.models.lookups import StartsWith


@CharField.register_lookup
class Prefix(Lookup):
    lookup_name = "prefix"

    def as_sql(self, compiler, connection):
        if connection.vendor == "sqlite":
            lhs, lhs_params = self.process_lhs(compiler, connection)
            value = self.rhs
            return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, value, value + "\U0010ffff"]
        return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)
