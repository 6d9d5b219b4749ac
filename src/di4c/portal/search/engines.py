"""Two full-text engines behind one interface: SQLite FTS5 (the embedded default) and
PostgreSQL text search. Both index the normalised words of SearchEntry (title weighted above
body) and take the same query: every word must match, by any of its alternatives, by prefix."""

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

MAX_MATCHES = 500


@dataclass(frozen=True)
class Match:
    entry_id: int
    kind: str
    object_id: int
    language: str
    rank: float  # larger is better, in both engines


def _filters(kinds, organisation_ids, languages) -> tuple[str, list]:
    # News scheduled for later are in the index but not yet public.
    clauses, params = ["(e.kind <> 'news' OR e.date <= %s)"], [timezone.now()]
    for column, values in (
        ("e.kind", kinds),
        ("e.organisation_id", organisation_ids),
        ("e.language", languages),
    ):
        if values:
            clauses.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)
    return "".join(f" AND {clause}" for clause in clauses), params


class SqliteEngine:
    table = "portal_search_fts"

    def write(self, entries) -> None:
        with connection.cursor() as cursor:
            for entry in entries:
                cursor.execute(f"DELETE FROM {self.table} WHERE rowid = %s", [entry.pk])  # noqa: S608
                cursor.execute(
                    f"INSERT INTO {self.table} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                    [entry.pk, entry.title_terms, entry.body_terms],
                )

    def remove(self, entry_ids) -> None:
        if not entry_ids:
            return
        marks = ", ".join(["%s"] * len(entry_ids))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid IN ({marks})", list(entry_ids))  # noqa: S608

    @staticmethod
    def _query(alternatives) -> str:
        return " AND ".join(
            "(" + " OR ".join(f'"{stem}"*' for stem in sorted(group)) + ")"
            for group in alternatives
        )

    def search(self, alternatives, *, kinds=(), organisation_ids=(), languages=()) -> list[Match]:
        where, params = _filters(kinds, organisation_ids, languages)
        sql = (
            f"SELECT e.id, e.kind, e.object_id, e.language, -bm25({self.table}, 10.0, 1.0) "  # noqa: S608
            f"FROM {self.table} JOIN portal_searchentry e ON e.id = {self.table}.rowid "
            f"WHERE {self.table} MATCH %s{where} ORDER BY 5 DESC, e.id LIMIT {MAX_MATCHES}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self._query(alternatives), *params])
            return [Match(*row) for row in cursor.fetchall()]


class PostgresEngine:
    VECTOR = (
        "setweight(to_tsvector('simple', title_terms), 'A') || "
        "setweight(to_tsvector('simple', body_terms), 'D')"
    )

    def write(self, entries) -> None:
        ids = [entry.pk for entry in entries]
        if ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE portal_searchentry SET vector = {self.VECTOR} WHERE id = ANY(%s)",  # noqa: S608
                    [ids],
                )

    def remove(self, entry_ids) -> None:
        """The vector goes with its row."""

    @staticmethod
    def _query(alternatives) -> str:
        return " & ".join(
            "(" + " | ".join(f"{stem}:*" for stem in sorted(group)) + ")" for group in alternatives
        )

    def search(self, alternatives, *, kinds=(), organisation_ids=(), languages=()) -> list[Match]:
        where, params = _filters(kinds, organisation_ids, languages)
        sql = (
            "SELECT e.id, e.kind, e.object_id, e.language, "  # noqa: S608
            "ts_rank('{0.1, 0.2, 0.4, 1.0}', e.vector, q.query) "
            "FROM portal_searchentry e, to_tsquery('simple', %s) AS q(query) "
            f"WHERE e.vector @@ q.query{where} ORDER BY 5 DESC, e.id LIMIT {MAX_MATCHES}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self._query(alternatives), *params])
            return [
                Match(row[0], row[1], row[2], row[3], float(row[4])) for row in cursor.fetchall()
            ]


def engine():
    return PostgresEngine() if connection.vendor == "postgresql" else SqliteEngine()
