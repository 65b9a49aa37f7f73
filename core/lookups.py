"""`field__any=values`: membership in a list sent as one query parameter.

Django's `__in` renders one placeholder per value, and with the thousands of ids a bulk
pass asks for at once, building and parsing those placeholders cost more than running
the query. `__any` sends the list as one PostgreSQL array (`= ANY(%s)`) or one JSON
array on SQLite (`IN (SELECT value FROM json_each(%s))`). Values are taken as they are:
integers and strings (ids, IMDb ids), not model instances.
"""

import json

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        values = list(value)
        return "%s", [values if connection.vendor == "postgresql" else json.dumps(values)]

    def as_sql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            raise ValueError("__any takes a list of values, not an expression")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", [*lhs_params, *rhs_params]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # foreign keys keep lookups of their own
