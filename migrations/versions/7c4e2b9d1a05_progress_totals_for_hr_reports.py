"""progress totals for hr reports: per person and course, and per lesson, kept by triggers

Revision ID: 7c4e2b9d1a05
Revises: 7a3d9e1f5c20
Create Date: 2026-12-04 01:00:00

HR's reports read each person's totals in a course (lessons opened, read, quiz passed, completed,
seconds spent, last visit) and each lesson's stage counts from these two tables instead of
aggregating every lesson_progress row. Triggers on lesson_progress keep them current in the same
transaction as every write, whoever makes it (the ORM, a raw UPDATE, COPY): on PostgreSQL one
statement-level trigger per operation, which applies the statement's changes as sums (additive
upserts, so that two transactions writing at once both count); on SQLite row-level triggers (its
writers are serialized). The upgrade fills both tables from the existing rows.
"""
from alembic import op
import sqlalchemy as sa


revision = '7c4e2b9d1a05'
down_revision = '7a3d9e1f5c20'
branch_labels = None
depends_on = None

STAGES = ("opened", "read", "quiz_passed", "completed")

_NEW = ("SELECT user_id, lesson_id, 1, (read_at IS NOT NULL)::int, (quiz_passed_at IS NOT NULL)::int, "
        "(completed_at IS NOT NULL)::int, seconds_spent, last_opened_at FROM new_rows")
_OLD = ("SELECT user_id, lesson_id, -1, -((read_at IS NOT NULL)::int), -((quiz_passed_at IS NOT NULL)::int), "
        "-((completed_at IS NOT NULL)::int), -seconds_spent, NULL::timestamp FROM old_rows")

_CHANGES = ("WITH changes (user_id, lesson_id, opened, read, quiz_passed, completed, seconds_spent, "
            "last_opened_at) AS ({source})")
_PER_PERSON = _CHANGES + """
        INSERT INTO course_progress_totals AS t (user_id, course_id, opened, read, quiz_passed, completed,
                                                 seconds_spent, last_opened_at)
        SELECT c.user_id, l.course_id, sum(c.opened), sum(c.read), sum(c.quiz_passed), sum(c.completed),
               sum(c.seconds_spent), max(c.last_opened_at)
        FROM changes c JOIN lesson l ON l.id = c.lesson_id
        GROUP BY c.user_id, l.course_id ORDER BY c.user_id, l.course_id
        ON CONFLICT (user_id, course_id) DO UPDATE SET
            opened = t.opened + EXCLUDED.opened, read = t.read + EXCLUDED.read,
            quiz_passed = t.quiz_passed + EXCLUDED.quiz_passed, completed = t.completed + EXCLUDED.completed,
            seconds_spent = t.seconds_spent + EXCLUDED.seconds_spent,
            last_opened_at = GREATEST(t.last_opened_at, EXCLUDED.last_opened_at);
"""
_PER_LESSON = _CHANGES + """
        INSERT INTO lesson_stage_totals AS t (lesson_id, opened, read, quiz_passed, completed)
        SELECT c.lesson_id, sum(c.opened), sum(c.read), sum(c.quiz_passed), sum(c.completed)
        FROM changes c GROUP BY c.lesson_id
        HAVING sum(c.opened) <> 0 OR sum(c.read) <> 0 OR sum(c.quiz_passed) <> 0 OR sum(c.completed) <> 0
        ORDER BY c.lesson_id
        ON CONFLICT (lesson_id) DO UPDATE SET
            opened = t.opened + EXCLUDED.opened, read = t.read + EXCLUDED.read,
            quiz_passed = t.quiz_passed + EXCLUDED.quiz_passed, completed = t.completed + EXCLUDED.completed;
"""
# A last visit cannot be taken off a maximum: read again for the people whose rows went or whose
# last visit moved back; totals of nothing opened are removed.
_REREAD = """
        UPDATE course_progress_totals t SET last_opened_at = (
            SELECT max(p.last_opened_at) FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id
            WHERE p.user_id = t.user_id AND l.course_id = t.course_id)
        FROM (SELECT DISTINCT o.user_id, l.course_id FROM old_rows o JOIN lesson l ON l.id = o.lesson_id
              WHERE NOT EXISTS (SELECT 1 FROM lesson_progress p WHERE p.id = o.id
                                AND p.last_opened_at >= o.last_opened_at)) AS moved
        WHERE t.user_id = moved.user_id AND t.course_id = moved.course_id;
        DELETE FROM course_progress_totals WHERE opened <= 0 AND user_id IN (SELECT DISTINCT user_id FROM old_rows);
        DELETE FROM lesson_stage_totals WHERE opened <= 0 AND lesson_id IN (SELECT DISTINCT lesson_id FROM old_rows);
"""


def _branch(source: str, reread: bool) -> str:
    """One operation's statements: static SQL, planned once per trigger and kept."""
    return (_PER_PERSON.format(source=source) + _PER_LESSON.format(source=source)
            + (_REREAD if reread else ""))


POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION lesson_progress_totals() RETURNS trigger LANGUAGE plpgsql AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN
{_branch(_NEW, False)}
    ELSIF TG_OP = 'DELETE' THEN
{_branch(_OLD, True)}
    ELSE
{_branch(_NEW + " UNION ALL " + _OLD, True)}
    END IF;
    RETURN NULL;
END
$function$
"""

POSTGRESQL_TRIGGERS = [
    "CREATE TRIGGER lesson_progress_totals_insert AFTER INSERT ON lesson_progress "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lesson_progress_totals()",
    "CREATE TRIGGER lesson_progress_totals_update AFTER UPDATE ON lesson_progress "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION lesson_progress_totals()",
    "CREATE TRIGGER lesson_progress_totals_delete AFTER DELETE ON lesson_progress "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION lesson_progress_totals()",
]


def _sqlite_add(row: str) -> str:
    """SQLite: add a row (NEW or OLD, sign in `row`) to both tables."""
    name, sign = row.split()
    return f"""
    INSERT INTO course_progress_totals (user_id, course_id, opened, read, quiz_passed, completed,
                                        seconds_spent, last_opened_at)
    SELECT {name}.user_id, l.course_id, {sign}1, {sign}({name}.read_at IS NOT NULL),
           {sign}({name}.quiz_passed_at IS NOT NULL), {sign}({name}.completed_at IS NOT NULL),
           {sign}{name}.seconds_spent, {"NULL" if sign == "-" else f"{name}.last_opened_at"}
    FROM lesson l WHERE l.id = {name}.lesson_id
    ON CONFLICT (user_id, course_id) DO UPDATE SET
        opened = opened + excluded.opened, read = read + excluded.read,
        quiz_passed = quiz_passed + excluded.quiz_passed, completed = completed + excluded.completed,
        seconds_spent = seconds_spent + excluded.seconds_spent,
        last_opened_at = max(coalesce(last_opened_at, excluded.last_opened_at),
                             coalesce(excluded.last_opened_at, last_opened_at));
    INSERT INTO lesson_stage_totals (lesson_id, opened, read, quiz_passed, completed)
    SELECT {name}.lesson_id, {sign}1, {sign}({name}.read_at IS NOT NULL),
           {sign}({name}.quiz_passed_at IS NOT NULL), {sign}({name}.completed_at IS NOT NULL)
    WHERE __STAGES_CHANGED__
    ON CONFLICT (lesson_id) DO UPDATE SET
        opened = opened + excluded.opened, read = read + excluded.read,
        quiz_passed = quiz_passed + excluded.quiz_passed, completed = completed + excluded.completed;"""


_STAGES_CHANGED = ("(NEW.lesson_id <> OLD.lesson_id OR NEW.user_id <> OLD.user_id "
                   "OR (NEW.read_at IS NULL) <> (OLD.read_at IS NULL) "
                   "OR (NEW.quiz_passed_at IS NULL) <> (OLD.quiz_passed_at IS NULL) "
                   "OR (NEW.completed_at IS NULL) <> (OLD.completed_at IS NULL))")

_SQLITE_REREAD = """
    UPDATE course_progress_totals SET last_opened_at = (
        SELECT max(p.last_opened_at) FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id
        WHERE p.user_id = OLD.user_id AND l.course_id = course_progress_totals.course_id)
    WHERE user_id = OLD.user_id AND course_id = (SELECT course_id FROM lesson WHERE id = OLD.lesson_id)
      AND __MOVED_BACK__;
    DELETE FROM course_progress_totals WHERE user_id = OLD.user_id AND opened <= 0;
    DELETE FROM lesson_stage_totals WHERE lesson_id = OLD.lesson_id AND opened <= 0;"""

SQLITE_TRIGGERS = [
    "CREATE TRIGGER lesson_progress_totals_insert AFTER INSERT ON lesson_progress BEGIN"
    + _sqlite_add("NEW +").replace("__STAGES_CHANGED__", "1") + "\nEND",
    "CREATE TRIGGER lesson_progress_totals_update AFTER UPDATE OF user_id, lesson_id, read_at, "
    "quiz_passed_at, completed_at, seconds_spent, last_opened_at ON lesson_progress BEGIN"
    + _sqlite_add("OLD -").replace("__STAGES_CHANGED__", _STAGES_CHANGED)
    + _sqlite_add("NEW +").replace("__STAGES_CHANGED__", _STAGES_CHANGED)
    + _SQLITE_REREAD.replace("__MOVED_BACK__", "(NEW.user_id <> OLD.user_id OR NEW.lesson_id <> OLD.lesson_id "
                             "OR NEW.last_opened_at < OLD.last_opened_at)") + "\nEND",
    "CREATE TRIGGER lesson_progress_totals_delete AFTER DELETE ON lesson_progress BEGIN"
    + _sqlite_add("OLD -").replace("__STAGES_CHANGED__", "1")
    + _SQLITE_REREAD.replace("__MOVED_BACK__", "1") + "\nEND",
]

FILL = [
    """INSERT INTO course_progress_totals (user_id, course_id, opened, read, quiz_passed, completed,
                                           seconds_spent, last_opened_at)
       SELECT p.user_id, l.course_id, count(*), count(p.read_at), count(p.quiz_passed_at), count(p.completed_at),
              coalesce(sum(p.seconds_spent), 0), max(p.last_opened_at)
       FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id GROUP BY p.user_id, l.course_id""",
    """INSERT INTO lesson_stage_totals (lesson_id, opened, read, quiz_passed, completed)
       SELECT lesson_id, count(*), count(read_at), count(quiz_passed_at), count(completed_at)
       FROM lesson_progress GROUP BY lesson_id""",
]
TRIGGERS = ("lesson_progress_totals_insert", "lesson_progress_totals_update", "lesson_progress_totals_delete")


def upgrade():
    op.create_table(
        'course_progress_totals',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('opened', sa.Integer(), nullable=False),
        sa.Column('read', sa.Integer(), nullable=False),
        sa.Column('quiz_passed', sa.Integer(), nullable=False),
        sa.Column('completed', sa.Integer(), nullable=False),
        sa.Column('seconds_spent', sa.Integer(), nullable=False),
        sa.Column('last_opened_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('user_id', 'course_id', name=op.f('pk_course_progress_totals')),
    )
    with op.batch_alter_table('course_progress_totals', schema=None) as batch_op:
        batch_op.create_index('ix_course_progress_totals_course', ['course_id', 'user_id'], unique=False)
    op.create_table(
        'lesson_stage_totals',
        sa.Column('lesson_id', sa.Integer(), nullable=False),
        sa.Column('opened', sa.Integer(), nullable=False),
        sa.Column('read', sa.Integer(), nullable=False),
        sa.Column('quiz_passed', sa.Integer(), nullable=False),
        sa.Column('completed', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('lesson_id', name=op.f('pk_lesson_stage_totals')),
    )
    for statement in FILL:
        op.execute(statement)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for statement in POSTGRESQL_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON lesson_progress" if op.get_bind().dialect.name
                                                         == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS lesson_progress_totals()")
    op.drop_table('lesson_stage_totals')
    with op.batch_alter_table('course_progress_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_course_progress_totals_course')
    op.drop_table('course_progress_totals')
