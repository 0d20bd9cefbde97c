import { Migration } from '@mikro-orm/migrations';

/**
 * One append-only log of what happens to calls (src/events/call-events.ts
 * defines its kinds), replacing the change feed's `change_log`, the
 * webhooks' triggers with their payloads built here, and the status and
 * progress messages that carried whole events over NOTIFY.
 *
 * Rows of calls and action items are captured by one trigger in the writing
 * transaction, so no write path (the pipeline's, a user's, a cascade's) goes
 * unseen; stage progress is appended by the pipeline. Each row carries its
 * transaction's id: a reader only reads rows of transactions older than
 * every one still running, so a slow commit never lands behind a position
 * already handed out. Every append wakes the readers with a NOTIFY that
 * names the user, the call, the kind and the transaction, nothing more; they
 * read the log. No foreign keys: a deletion outlives its row. Rows are ids,
 * statuses and stage names only, pruned after 30 days.
 */
export class Migration20261208CallEvents extends Migration {
  override name = 'Migration20261208CallEvents';

  override up(): void {
    this.addSql(`create table "call_events" (
      "seq" bigserial not null,
      "txid" xid8 not null default pg_current_xact_id(),
      "user_id" uuid not null,
      "call_id" uuid not null,
      "kind" text not null,
      "data" jsonb not null default '{}',
      "occurred_at" timestamptz not null default clock_timestamp(),
      primary key ("seq"));`);
    this.addSql(`create index "call_events_user_position_idx" on "call_events" ("user_id", "txid", "seq");`);
    this.addSql(`create index "call_events_call_position_idx" on "call_events" ("call_id", "txid", "seq");`);
    this.addSql(`create index "call_events_position_idx" on "call_events" ("txid", "seq");`);
    this.addSql(`create index "call_events_occurred_idx" on "call_events" ("occurred_at");`);

    this.addSql(`create function "wake_call_event_readers"() returns trigger language plpgsql as $$
      begin
        perform pg_notify('scryon_signals', json_build_object(
          'kind', 'log', 'userId', new.user_id, 'callId', new.call_id, 'event', new.kind, 'txid', new.txid::text)::text);
        return new;
      end $$;`);
    this.addSql(`create trigger "call_events_wake" after insert on "call_events"
      for each row execute function "wake_call_event_readers"();`);

    // tg_argv: the entity's name and the column holding the call's id.
    this.addSql(`create function "capture_call_event"() returns trigger language plpgsql as $$
      declare
        changed record;
        kind text;
        data jsonb;
      begin
        if tg_op = 'UPDATE' and new is not distinct from old then return new; end if;
        if tg_op = 'DELETE' then changed := old; else changed := new; end if;
        if tg_argv[0] = 'call' then
          if tg_op = 'DELETE' then
            kind := 'call.deleted'; data := '{}';
          elsif tg_op = 'INSERT' or new.status is distinct from old.status then
            kind := 'call.status';
            data := jsonb_build_object('status', new.status, 'errorReason', new.error_reason,
              'previousStatus', case when tg_op = 'UPDATE' then old.status end);
          else
            kind := 'call.updated'; data := '{}';
          end if;
        else
          kind := tg_argv[0] || '.' || case tg_op when 'INSERT' then 'created' when 'UPDATE' then 'updated' else 'deleted' end;
          data := jsonb_build_object('id', changed.id, 'status', changed.status);
        end if;
        insert into call_events (user_id, call_id, kind, data)
          values (changed.user_id, (to_jsonb(changed) ->> tg_argv[1])::uuid, kind, data);
        return changed;
      end $$;`);
    this.addSql(`create trigger "call_records_capture" after insert or update or delete on "call_records"
      for each row execute function "capture_call_event"('call', 'id');`);
    this.addSql(`create trigger "action_items_capture" after insert or update or delete on "action_items"
      for each row execute function "capture_call_event"('action_item', 'call_record_id');`);

    // Where the webhooks' fan-out stands in the log: every event at or before it has its deliveries.
    this.addSql(`create table "webhook_fanout" (
      "id" int not null default 1 check ("id" = 1),
      "txid" xid8 not null,
      "seq" bigint not null,
      primary key ("id"));`);
    this.addSql(`insert into "webhook_fanout" ("txid", "seq") values (pg_snapshot_xmin(pg_current_snapshot()), 0);`);

    this.addSql(`drop trigger "call_records_webhooks" on "call_records";`);
    this.addSql(`drop trigger "action_items_webhooks" on "action_items";`);
    this.addSql(`drop function "call_webhooks"();`);
    this.addSql(`drop function "action_item_webhooks"();`);
    this.addSql(`drop function "enqueue_webhook_deliveries"(uuid, uuid, text, jsonb);`);
    this.addSql(`drop trigger "call_records_log_change" on "call_records";`);
    this.addSql(`drop trigger "action_items_log_change" on "action_items";`);
    this.addSql(`drop function "log_change"();`);
    this.addSql(`drop table "change_log";`);

    // The account notice moves to the renamed channel.
    this.addSql(`create or replace function "account_status_notice"() returns trigger language plpgsql as $$
      begin
        perform pg_notify('scryon_signals', json_build_object(
          'kind', 'account', 'userId', new.id, 'externalUserId', new.external_user_id, 'status', new.account_status)::text);
        return new;
      end $$;`);
  }
}
