"""lessons done as bits for team funnels: per person and course, which lessons are at each stage

Revision ID: e4a8c2f6b1d9
Revises: 9b2d4f6a8c13
Create Date: 2026-12-04 05:30:00

A director's /team shows per lesson how many of the team opened it, read it, passed its quiz and
completed it. Counting that from lesson_progress reads one row per person and lesson (200,000 for a
team of 5,000). Each lesson gets a bit in its course (`lesson_mask_bits`, given by a trigger on
lesson when it is created, the course's next free one, never reused), and each person's
course_progress_totals row keeps four masks (`opened_bits`, `read_bits`, `quiz_passed_bits`,
`completed_bits`) kept by triggers on lesson_progress, so the funnel reads one row per person.

The masks are kept as sums of the lessons' bits (a person has one progress row per lesson), as the
counts beside them are: on PostgreSQL one statement-level trigger per operation, named so that it
runs before the counts' triggers (PostgreSQL runs them in name order), whose DELETE of emptied rows
then applies; on SQLite row triggers that remove an emptied row themselves, whichever runs first.
Bits 0 to 62 are kept (bigint, never negative); a lesson past them is in no mask, and the reports
count its course from the progress rows. The upgrade gives every lesson its bit and fills the masks.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e4a8c2f6b1d9'
down_revision = '9b2d4f6a8c13'
branch_labels = None
depends_on = None

MASKS = ("opened_bits", "read_bits", "quiz_passed_bits", "completed_bits")
STAGES = ("1 = 1", "read_at IS NOT NULL", "quiz_passed_at IS NOT NULL", "completed_at IS NOT NULL")
LAST_BIT = 62

_PG_SOURCE = {
    "new": "SELECT user_id, lesson_id, 1, {stages} FROM new_rows",
    "old": "SELECT user_id, lesson_id, -1, {stages} FROM old_rows",
}


def _pg_upsert(sources: tuple[str, ...]) -> str:
    """One statement's changes to the masks, summed per person and course."""
    stages = ", ".join(f"({stage})" for stage in STAGES)
    changes = " UNION ALL ".join(_PG_SOURCE[source].format(stages=stages) for source in sources)
    sums = ", ".join(f"sum(CASE WHEN c.s{n} THEN c.sign * (1::bigint << b.bit) ELSE 0 END) AS {mask}"
                     for n, mask in enumerate(MASKS))
    changed = " OR ".join(f"d.{mask} <> 0" for mask in MASKS)
    added = ", ".join(f"{mask} = t.{mask} + EXCLUDED.{mask}" for mask in MASKS)
    return f"""
        WITH changes (user_id, lesson_id, sign, s0, s1, s2, s3) AS ({changes})
        INSERT INTO course_progress_totals AS t (user_id, course_id, opened, read, quiz_passed, completed,
                                                 seconds_spent, last_opened_at, {", ".join(MASKS)})
        SELECT d.user_id, d.course_id, 0, 0, 0, 0, 0, NULL, {", ".join(f"d.{mask}" for mask in MASKS)}
        FROM (SELECT c.user_id, b.course_id, {sums}
              FROM changes c JOIN lesson_mask_bits b ON b.lesson_id = c.lesson_id AND b.bit <= {LAST_BIT}
              GROUP BY c.user_id, b.course_id) d
        WHERE {changed}
        ORDER BY d.user_id, d.course_id
        ON CONFLICT (user_id, course_id) DO UPDATE SET {added};
"""


POSTGRESQL_FUNCTIONS = [f"""
CREATE FUNCTION lesson_progress_bits() RETURNS trigger LANGUAGE plpgsql AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN
{_pg_upsert(("new",))}
    ELSIF TG_OP = 'DELETE' THEN
{_pg_upsert(("old",))}
    ELSE
{_pg_upsert(("new", "old"))}
    END IF;
    RETURN NULL;
END
$function$
""", """
CREATE FUNCTION lesson_mask_bit() RETURNS trigger LANGUAGE plpgsql AS $function$
BEGIN
    -- One lesson of a course at a time takes the course's next bit.
    PERFORM pg_advisory_xact_lock(20, NEW.course_id);
    INSERT INTO lesson_mask_bits (lesson_id, course_id, bit)
    SELECT NEW.id, NEW.course_id, coalesce(max(bit) + 1, 0) FROM lesson_mask_bits WHERE course_id = NEW.course_id;
    RETURN NULL;
END
$function$
"""]

# "bits" sorts before "totals": these run before the counts' triggers of migration 7c4e2b9d1a05.
POSTGRESQL_TRIGGERS = [
    "CREATE TRIGGER lesson_progress_bits_insert AFTER INSERT ON lesson_progress "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lesson_progress_bits()",
    "CREATE TRIGGER lesson_progress_bits_update AFTER UPDATE ON lesson_progress "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION lesson_progress_bits()",
    "CREATE TRIGGER lesson_progress_bits_delete AFTER DELETE ON lesson_progress "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION lesson_progress_bits()",
    "CREATE TRIGGER lesson_mask_bit_insert AFTER INSERT ON lesson FOR EACH ROW EXECUTE FUNCTION lesson_mask_bit()",
]


def _sqlite_add(row: str) -> str:
    """SQLite: add a row's bits (NEW or OLD, sign in `row`) to its person's masks."""
    name, sign = row.split()
    bits = ", ".join(f"{sign}(({name}.{stage}) << b.bit)" if stage != "1 = 1" else f"{sign}(1 << b.bit)"
                     for stage in STAGES)
    added = ", ".join(f"{mask} = {mask} + excluded.{mask}" for mask in MASKS)
    return f"""
    INSERT INTO course_progress_totals (user_id, course_id, opened, read, quiz_passed, completed,
                                        seconds_spent, last_opened_at, {", ".join(MASKS)})
    SELECT {name}.user_id, b.course_id, 0, 0, 0, 0, 0, NULL, {bits}
    FROM lesson_mask_bits b WHERE b.lesson_id = {name}.lesson_id AND b.bit <= {LAST_BIT}
    ON CONFLICT (user_id, course_id) DO UPDATE SET {added};"""


# A row of nothing opened goes, whether the counts' trigger ran before this one or after.
_SQLITE_EMPTIED = "\n    DELETE FROM course_progress_totals WHERE user_id = {name}.user_id AND opened <= 0;"
_STAGES_CHANGED = ("NEW.lesson_id <> OLD.lesson_id OR NEW.user_id <> OLD.user_id "
                   "OR (NEW.read_at IS NULL) <> (OLD.read_at IS NULL) "
                   "OR (NEW.quiz_passed_at IS NULL) <> (OLD.quiz_passed_at IS NULL) "
                   "OR (NEW.completed_at IS NULL) <> (OLD.completed_at IS NULL)")

SQLITE_TRIGGERS = [
    "CREATE TRIGGER lesson_progress_bits_insert AFTER INSERT ON lesson_progress BEGIN"
    + _sqlite_add("NEW +") + "\nEND",
    "CREATE TRIGGER lesson_progress_bits_update AFTER UPDATE OF user_id, lesson_id, read_at, quiz_passed_at, "
    f"completed_at ON lesson_progress WHEN {_STAGES_CHANGED} BEGIN"
    + _sqlite_add("OLD -") + _sqlite_add("NEW +") + _SQLITE_EMPTIED.format(name="OLD") + "\nEND",
    "CREATE TRIGGER lesson_progress_bits_delete AFTER DELETE ON lesson_progress BEGIN"
    + _sqlite_add("OLD -") + _SQLITE_EMPTIED.format(name="OLD") + "\nEND",
    "CREATE TRIGGER lesson_mask_bit_insert AFTER INSERT ON lesson BEGIN"
    "\n    INSERT INTO lesson_mask_bits (lesson_id, course_id, bit)"
    "\n    SELECT NEW.id, NEW.course_id, coalesce(max(bit) + 1, 0) FROM lesson_mask_bits"
    " WHERE course_id = NEW.course_id;\nEND",
]

FILL_BITS = ("INSERT INTO lesson_mask_bits (lesson_id, course_id, bit) "
             "SELECT id, course_id, row_number() OVER (PARTITION BY course_id ORDER BY id) - 1 FROM lesson")


def _fill_masks() -> str:
    sums = ", ".join(
        f"""{mask} = coalesce((SELECT sum(CASE WHEN {stage} THEN CAST(1 AS BIGINT) << b.bit ELSE 0 END)
            FROM lesson_progress p JOIN lesson_mask_bits b ON b.lesson_id = p.lesson_id
            WHERE p.user_id = course_progress_totals.user_id AND b.course_id = course_progress_totals.course_id
              AND b.bit <= {LAST_BIT}), 0)"""
        for mask, stage in zip(MASKS, ("1 = 1", "p.read_at IS NOT NULL", "p.quiz_passed_at IS NOT NULL",
                                       "p.completed_at IS NOT NULL")))
    return f"UPDATE course_progress_totals SET {sums}"


TRIGGERS = {"lesson_progress_bits_insert": "lesson_progress", "lesson_progress_bits_update": "lesson_progress",
            "lesson_progress_bits_delete": "lesson_progress", "lesson_mask_bit_insert": "lesson"}


def upgrade():
    op.create_table(
        'lesson_mask_bits',
        sa.Column('lesson_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('bit', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('lesson_id', name=op.f('pk_lesson_mask_bits')),
        sa.UniqueConstraint('course_id', 'bit', name=op.f('uq_lesson_mask_bits_course_id_bit')),
    )
    for mask in MASKS:
        op.add_column('course_progress_totals',
                      sa.Column(mask, sa.BigInteger(), server_default='0', nullable=False))
    op.execute(FILL_BITS)
    op.execute(_fill_masks())
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_FUNCTIONS + POSTGRESQL_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table in TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS lesson_progress_bits()")
        op.execute("DROP FUNCTION IF EXISTS lesson_mask_bit()")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later): a copy of the table, as a batch makes,
    # could not be renamed under the counts' triggers, which name it.
    for mask in reversed(MASKS):
        op.drop_column('course_progress_totals', mask)
    op.drop_table('lesson_mask_bits')
