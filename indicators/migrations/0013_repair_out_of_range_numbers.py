"""Numbers saved before every path checked them (issue 25): NaN, infinity or a value beyond its column (1e20 in a
DecimalField(max_digits=14), a negative or huge small integer on SQLite, which does not enforce either). Such a row
made every page that shows it answer 500. Each is found by reading the raw column (no converter, which is what
fails) and repaired: emptied where the column may be empty, else set to the column's default (0 for amounts),
and the count is printed."""

from decimal import Decimal, InvalidOperation

from django.db import migrations, models

APPS = ("partners", "plans", "indicators")
SMALL, INTEGER = 32767, 2147483647


def _limits(field):
    """(check, replacement) for a numeric column, or None."""
    if isinstance(field, models.DecimalField):
        bound = Decimal(10) ** (field.max_digits - field.decimal_places)

        def check(value):
            try:
                number = Decimal(str(value))
            except (InvalidOperation, ValueError):
                return False
            return number.is_finite() and abs(number) < bound

    elif isinstance(field, models.PositiveSmallIntegerField | models.PositiveIntegerField):
        top = SMALL if isinstance(field, models.PositiveSmallIntegerField) else INTEGER

        def check(value):
            return isinstance(value, int) and 0 <= value <= top

    else:
        return None
    if field.null:
        replacement = None
    elif field.has_default() and not callable(field.default):
        replacement = field.default
    else:
        replacement = 0
    return check, replacement


def repair(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    repaired = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            table, pk = model._meta.db_table, model._meta.pk.column
            for field in model._meta.concrete_fields:
                limits = _limits(field)
                if limits is None or field.primary_key:
                    continue
                check, replacement = limits
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {quote(pk)}, {quote(field.column)} FROM {quote(table)} "
                        f"WHERE {quote(field.column)} IS NOT NULL"
                    )
                    bad = [row_id for row_id, value in cursor.fetchall() if not check(value)]
                    for start in range(0, len(bad), 500):
                        ids = bad[start : start + 500]
                        marks = ", ".join(["%s"] * len(ids))
                        cursor.execute(
                            f"UPDATE {quote(table)} SET {quote(field.column)} = %s WHERE {quote(pk)} IN ({marks})",
                            [replacement, *ids],
                        )
                if bad:
                    repaired.append(f"{table}.{field.column}: {len(bad)}")
    if repaired:
        print(f"\n  Out-of-range numbers repaired: {', '.join(repaired)}")  # noqa: T201


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0012_digests"),
        ("plans", "0015_cache_table"),
        ("partners", "0007_partner_names_per_territory"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
