-- 提醒: what a user is told — an item due soon or overdue, a return sent back or awaiting
-- review — once per item and state (its key), read or not; and the outbox that delivers each to
-- the webhook, committed with it and retried until delivered, so a restart loses none.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    username   TEXT    NOT NULL,
    item_key   TEXT    NOT NULL,
    kind       TEXT    NOT NULL
        CHECK (kind IN ('due_soon', 'overdue', 'returned', 'review')),
    title      TEXT    NOT NULL,
    link       TEXT    NOT NULL,
    due_on     DATE,
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP,
    UNIQUE (username, item_key)
);
CREATE INDEX notifications_unread ON notifications (username, read_at);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    notification_id BIGINT  NOT NULL UNIQUE REFERENCES notifications (id),
    payload         TEXT    NOT NULL,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    delivered_at    TIMESTAMP,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (delivered_at, next_attempt_at);
