"""Claiming, sending, retrying and forgetting deliveries: each message goes out once.

1. **Claim** (`send_due`): what planning.py finds due is inserted into `delivery`, one row per unique
   key, `INSERT … ON CONFLICT DO NOTHING`: of two runs at once, one gets each row. A notice in the
   site's own list is written in the same transaction as its row, so it too exists once.
2. **Send** (`deliver`): a sender takes a batch of rows with one conditional UPDATE (state
   `sending`, `claimed_at`, one more attempt) and commits before it sends: of two workers at once,
   one takes each row. Then each is sent, and its outcome written and committed at once (`sent`, or
   `failed` with the reason and the time of the next attempt).
3. **Retry**: a failed row is tried again after RETRY_DELAYS, MAX_ATTEMPTS times in all; a row held
   by quiet hours goes at its `not_before`; a row left `sending` for STALE_AFTER (its worker died
   before writing the outcome) is taken again by the next run.
4. **Forget** (`purge`): the log keeps KEEP_DAYS.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courseware.language import normalize_language, site_language
from courseware.models import Delivery, DeliveryState, Notification, User
from courseware.models.sql import conflict_insert, rows_changed, table_of
from courseware.services.notifications import channels, mail, messages, planning, work_notices
from courseware.services.notifications.channels import Channel, DeliveryError, Outgoing
from courseware.services.notifications.messages import Kind
from courseware.services.notifications.preferences import unsubscribe_token

STALE_AFTER = timedelta(minutes=10)
RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 240)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
KEEP_DAYS = 180
# Planning's reasons stay due for at most a week: keys older than this cannot come up again, so a
# run reads only recent keys to skip what was claimed (the unique key still decides).
RECENT_KEYS = timedelta(days=10)
_table = table_of(Delivery)


@dataclass
class RunReport:
    """What one `send-due` run found: new deliveries by state and channel, and those already claimed."""

    new: Counter = field(default_factory=Counter)
    already: int = 0
    dry_run: bool = False
    delivery_ids: list[int] = field(default_factory=list)  # claimed, to send now
    outcomes: Counter = field(default_factory=Counter)  # of the sending that followed, by state
    enqueued: bool = False  # the sending was left to the queue's workers
    kinds: Counter = field(default_factory=Counter)  # new deliveries by kind (messages.Kind values)


def send_due(session: Session, now: datetime, config: Mapping, dry_run: bool = False) -> RunReport:
    """Plan what is due at `now` and claim it (or, `dry_run`, only count it). One commit."""
    planned = planning.plan(session, now, config)
    taken = set(session.scalars(select(Delivery.key).where(Delivery.created_at >= now - RECENT_KEYS)))
    fresh = list({p.key: p for p in planned if p.key not in taken}.values())
    report = RunReport(already=len(planned) - len(fresh), dry_run=dry_run)
    if dry_run:
        report.new.update((p.state.value, p.channel.value) for p in fresh)
        report.kinds.update(p.event.kind.value for p in fresh)
        return report
    claimed = claim(session, fresh, now)
    session.commit()
    report.already += len(fresh) - len(claimed)
    report.new.update((p.state.value, p.channel.value) for p in claimed)
    report.kinds.update(p.event.kind.value for p in claimed)
    report.delivery_ids = [delivery_id for p, delivery_id in claimed.items()
                           if p.state is DeliveryState.QUEUED]
    return report


def claim(session: Session, planned: list[planning.Planned], now: datetime) -> dict[planning.Planned, int]:
    """Insert a row for each key not taken yet (in the caller's transaction); returns the rows won."""
    if not planned:
        return {}
    by_key = {p.key: p for p in planned}
    rows = [_row(p, now) for p in planned]
    statement = conflict_insert(session.get_bind().dialect.name, _table)
    won: dict[planning.Planned, int] = {}
    if statement is not None:
        result = session.execute(statement.on_conflict_do_nothing(index_elements=["key"])
                                 .returning(_table.c.key, _table.c.id), rows)
        won = {by_key[key]: delivery_id for key, delivery_id in result}
    else:  # a database without ON CONFLICT: one savepoint per row
        for row in rows:
            try:
                with session.begin_nested():
                    delivery_id = session.execute(insert(_table).returning(_table.c.id), row).scalar_one()
                won[by_key[row["key"]]] = delivery_id
            except IntegrityError:
                continue
    # The bell: a notice for each message on it; a reminder of an assigned course whose person turned
    # the bell off for its kind is still recorded, as read (it raises no count).
    notices = [_notice(p, now) for p in won if p.channel is Channel.APP
               and (p.state is DeliveryState.SENT or p.event.kind.mandatory)]
    if notices:
        session.execute(insert(table_of(Notification)), notices)
    return won


def _row(p: planning.Planned, now: datetime) -> dict:
    event = p.event
    sent = p.state is DeliveryState.SENT
    return {"key": p.key, "user_id": event.user_id, "channel": p.channel.value, "kind": event.kind.value,
            "reason": event.reason, "due_on": event.due_on, "message": event.message, "params": event.params,
            "link": event.link, "state": p.state.value, "attempts": 1 if sent else 0, "last_error": None,
            "created_at": now, "not_before": p.not_before, "claimed_at": now if sent else None,
            "held_until": p.not_before if p.state is DeliveryState.HELD else None,
            "sent_at": now if sent else None}


def _notice(p: planning.Planned, now: datetime) -> dict:
    event = p.event
    return {"user_id": event.user_id, "kind": event.kind.value, "message": event.message,
            "params": event.params, "link": event.link, "created_at": now,
            "read_at": None if p.state is DeliveryState.SENT else now}


def _ready(now: datetime) -> ColumnElement[bool]:
    """The rows a sender may take at `now`."""
    due = or_(Delivery.not_before.is_(None), Delivery.not_before <= now)
    waiting = Delivery.state.in_([DeliveryState.QUEUED.value, DeliveryState.HELD.value,
                                  DeliveryState.FAILED.value])
    stale = and_(Delivery.state == DeliveryState.SENDING.value, Delivery.claimed_at < now - STALE_AFTER)
    return and_(Delivery.attempts < MAX_ATTEMPTS, or_(and_(waiting, due), stale))


def ready_ids(session: Session, now: datetime, limit: int = 10_000) -> list[int]:
    """Deliveries to send at `now`: new, held until now, to retry, or abandoned by a dead worker."""
    return list(session.scalars(select(Delivery.id).where(_ready(now)).order_by(Delivery.id).limit(limit)))


def deliver(session: Session, delivery_ids: Iterable[int], now: datetime, config: Mapping) -> Counter:
    """Send the deliveries a sender can take, the mails over one SMTP connection; returns how many
    ended in each state (and 'taken': those another sender has, or that are done).

    The batch is taken with one conditional UPDATE and one commit; each outcome is written and
    committed as soon as it is known, so that a sent message is never sent again. A worker killed
    mid-batch leaves the rest of its batch `sending`: the next run after STALE_AFTER takes it again
    (a delay, never a loss or a second copy of a message whose outcome was written)."""
    wanted = list(dict.fromkeys(delivery_ids))
    taken = _take(session, wanted, now)
    outcomes: Counter = Counter()
    if len(taken) < len(wanted):
        outcomes["taken"] = len(wanted) - len(taken)
    if not taken:
        return outcomes
    batch = _Batch.load(session, taken)
    with mail.Connection(config) as smtp:
        for delivery in batch.deliveries:
            outcomes[_send(session, batch, delivery, now, config, smtp)] += 1
    return outcomes


def deliver_one(session: Session, delivery_id: int, now: datetime, config: Mapping) -> str:
    """Send one delivery (see `deliver`); returns its state, or 'taken'."""
    return next(iter(deliver(session, [delivery_id], now, config)))


def _take(session: Session, delivery_ids: list[int], now: datetime) -> list[int]:
    """Mark the deliveries among `delivery_ids` that are ready as being sent (one more attempt) and
    commit: of two senders at once, one takes each. Returns the ids taken, in their order."""
    if not delivery_ids:
        return []
    values = {"state": DeliveryState.SENDING.value, "claimed_at": now, "attempts": Delivery.attempts + 1}
    ready = and_(Delivery.id.in_(delivery_ids), _ready(now))
    if session.get_bind().dialect.update_returning:
        won = set(session.scalars(update(Delivery).where(ready).values(**values).returning(Delivery.id)))
    else:  # a database without UPDATE … RETURNING: one conditional UPDATE per row
        won = {delivery_id for delivery_id in delivery_ids if rows_changed(session.execute(
            update(Delivery).where(Delivery.id == delivery_id, _ready(now)).values(**values))) == 1}
    session.commit()
    return [delivery_id for delivery_id in delivery_ids if delivery_id in won]


@dataclass
class _Batch:
    """A batch's deliveries, their recipients and the titles in each language, each read once."""

    deliveries: list[Delivery]
    users: dict[int, User]
    titles: dict[str, messages.Titles] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, delivery_ids: list[int]) -> _Batch:
        rows = {d.id: d for d in session.scalars(select(Delivery).where(Delivery.id.in_(delivery_ids)))}
        user_ids = {d.user_id for d in rows.values() if d.user_id is not None}
        users = ({u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
                 if user_ids else {})
        # Read once: detached, they are not expired and read again by each outcome's commit.
        for loaded in (*rows.values(), *users.values()):
            session.expunge(loaded)
        return cls([rows[i] for i in delivery_ids if i in rows], users)

    def titles_in(self, session: Session, language: str) -> messages.Titles:
        if language not in self.titles:
            self.titles[language] = messages.Titles(session, language)
        return self.titles[language]


def _send(session: Session, batch: _Batch, delivery: Delivery, now: datetime, config: Mapping,
          smtp: mail.Connection) -> str:
    """Send one taken delivery and commit its outcome: `sent`, or `failed` with the reason and the
    time of its next attempt."""
    outcome: dict = {"state": DeliveryState.SENT.value, "sent_at": now, "last_error": None,
                     "not_before": None}
    try:
        user = batch.users.get(delivery.user_id) if delivery.user_id is not None else None
        channels.send(config, compose(session, delivery, config, user, batch), smtp)
    except DeliveryError as error:
        outcome = _failed(delivery.attempts, str(error), now)
    except Exception as error:  # a bug or an outage must not leave the row 'sending' for ever
        outcome = _failed(delivery.attempts, f"{type(error).__name__}: {error}", now)
    session.execute(update(_table).where(_table.c.id == delivery.id).values(**outcome))
    session.commit()
    return str(outcome["state"])


def _failed(attempts: int, reason: str, now: datetime) -> dict:
    retry = attempts - 1
    return {"state": DeliveryState.FAILED.value, "last_error": reason[:1000],
            "not_before": now + RETRY_DELAYS[retry] if retry < len(RETRY_DELAYS) else None}


def compose(session: Session, delivery: Delivery, config: Mapping, user: User | None = None,
            batch: _Batch | None = None) -> Outgoing:
    """The delivery as its recipient (`user`, read here when not given) reads it: their language,
    address, the site's links."""
    channel = Channel(delivery.channel)
    if user is None and delivery.user_id is not None:
        user = session.get(User, delivery.user_id)
    language = (normalize_language(user.locale) if user is not None else None) or site_language()
    titles = batch.titles_in(session, language) if batch is not None else messages.Titles(session, language)
    rendered = messages.render_with(titles, delivery.message, delivery.params, language)
    site = str(config.get("SITE_URL") or "").rstrip("/")
    unsubscribe = None
    kind = Kind(delivery.kind)
    if channel is Channel.EMAIL and user is not None and not kind.mandatory:
        unsubscribe = f"{site}/unsubscribe/{unsubscribe_token(user.id, kind)}"
    texts = messages.mail_texts(kind, language, unsubscribe, preferences=f"{site}/account/notifications")
    to, platform = user.email if user is not None else None, None
    if channel is Channel.WORK:  # the link as it is now: the person may have been unlinked since
        link = work_notices.link_of(session, config, user.id) if user is not None else None
        to, platform = (link.userid, link.platform) if link else (None, None)
    return Outgoing(channel, language, rendered.title, rendered.body,
                    link=f"{site}{delivery.link}" if delivery.link else None, link_text=texts.link,
                    footer=texts.footer if channel is Channel.EMAIL else "",
                    to=to, platform=platform, unsubscribe=unsubscribe)


def purge(session: Session, now: datetime) -> int:
    """Forget deliveries, and notices read, older than KEEP_DAYS; returns how many deliveries."""
    cutoff = now - timedelta(days=KEEP_DAYS)
    removed = rows_changed(session.execute(delete(Delivery).where(Delivery.created_at < cutoff)))
    session.execute(delete(Notification).where(Notification.created_at < cutoff,
                                               Notification.read_at.is_not(None)))
    session.commit()
    return removed
