import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks: a user's endpoints, one delivery per (event, endpoint) and every
 * attempt at it. Deliveries are written by triggers on call_records and
 * action_items in the writing transaction, for each enabled endpoint that
 * asked for the event, so no write path (the pipeline's, a user's, a delete)
 * can change a call unannounced and a crash after the commit loses nothing:
 * the dispatcher starts a workflow for every delivery not yet dispatched.
 * A delivery keeps its call id without a foreign key: `call.deleted`
 * outlives its call. The sweep prunes deliveries after 30 days.
 */
export class Migration20261206Webhooks extends Migration {
  override name = 'Migration20261206Webhooks';

  override up(): void {
    this.addSql(`create table "webhook_endpoints" (
      "id" uuid not null,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "url" text not null,
      "event_types" text[] not null,
      "secret" text not null,
      "description" text null,
      "enabled" boolean not null default true,
      "disabled_reason" text null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      primary key ("id"));`);
    this.addSql(`create index "webhook_endpoints_user_idx" on "webhook_endpoints" ("user_id", "created_at");`);

    this.addSql(`create table "webhook_deliveries" (
      "id" uuid not null default gen_random_uuid(),
      "endpoint_id" uuid not null references "webhook_endpoints" ("id") on delete cascade,
      "user_id" uuid not null,
      "call_id" uuid null,
      "event_type" text not null,
      "payload" jsonb not null,
      "state" text not null default 'PENDING',
      "dispatched_at" timestamptz null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      primary key ("id"));`);
    this.addSql(
      `alter table "webhook_deliveries" add constraint "webhook_deliveries_state_check" check ("state" in ('PENDING', 'SUCCEEDED', 'FAILED'));`,
    );
    this.addSql(
      `create index "webhook_deliveries_undispatched_idx" on "webhook_deliveries" ("created_at") where "dispatched_at" is null;`,
    );
    // What is in flight, for the operators' gauge: counted from this index alone, never from 30 days of log.
    this.addSql(
      `create index "webhook_deliveries_pending_idx" on "webhook_deliveries" ("dispatched_at") where "state" = 'PENDING';`,
    );
    this.addSql(
      `create index "webhook_deliveries_endpoint_idx" on "webhook_deliveries" ("endpoint_id", "created_at");`,
    );
    this.addSql(
      `create index "webhook_deliveries_call_idx" on "webhook_deliveries" ("user_id", "call_id", "created_at");`,
    );
    this.addSql(`create index "webhook_deliveries_created_idx" on "webhook_deliveries" ("created_at");`);

    this.addSql(`create table "webhook_attempts" (
      "delivery_id" uuid not null references "webhook_deliveries" ("id") on delete cascade,
      "attempt" int not null,
      "url" text not null,
      "status_code" int null,
      "duration_ms" int not null,
      "success" boolean not null,
      "error" text null,
      "next_retry_at" timestamptz null,
      "attempted_at" timestamptz not null default now(),
      primary key ("delivery_id", "attempt"));`);

    // One delivery per enabled endpoint that asked for the event; the dispatcher hears of them on the bus when the writer commits.
    this.addSql(`create function "enqueue_webhook_deliveries"(p_user uuid, p_call uuid, p_type text, p_data jsonb) returns void language plpgsql as $$
      declare
        enqueued int;
      begin
        insert into webhook_deliveries (endpoint_id, user_id, call_id, event_type, payload)
          select e.id, p_user, p_call, p_type,
                 jsonb_build_object('type', p_type, 'timestamp', to_char(clock_timestamp() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'data', p_data)
            from webhook_endpoints e
           where e.user_id = p_user and e.enabled and p_type = any (e.event_types);
        get diagnostics enqueued = row_count;
        if enqueued > 0 then
          perform pg_notify('scryon_call_status', json_build_object('kind', 'webhooks', 'userId', p_user)::text);
        end if;
      end $$;`);
    this.addSql(`create function "call_webhooks"() returns trigger language plpgsql as $$
      declare
        data jsonb;
      begin
        if tg_op = 'DELETE' then
          perform enqueue_webhook_deliveries(old.user_id, old.id, 'call.deleted', jsonb_build_object('callId', old.id));
          return old;
        end if;
        if tg_op = 'UPDATE' and new.status is not distinct from old.status then return new; end if;
        data := jsonb_build_object('callId', new.id, 'status', new.status, 'previousStatus', case when tg_op = 'UPDATE' then old.status end);
        perform enqueue_webhook_deliveries(new.user_id, new.id, 'call.status_changed', data);
        if new.status = 'COMPLETED' then
          perform enqueue_webhook_deliveries(new.user_id, new.id, 'call.completed', jsonb_build_object('callId', new.id, 'status', new.status));
        elsif new.status = 'FAILED' then
          perform enqueue_webhook_deliveries(new.user_id, new.id, 'call.failed', jsonb_build_object('callId', new.id, 'status', new.status, 'errorReason', new.error_reason));
        end if;
        return new;
      end $$;`);
    this.addSql(`create function "action_item_webhooks"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and new is not distinct from old then return new; end if;
        perform enqueue_webhook_deliveries(new.user_id, new.call_record_id,
          case when tg_op = 'INSERT' then 'action_item.created' else 'action_item.updated' end,
          jsonb_build_object('actionItemId', new.id, 'callId', new.call_record_id, 'status', new.status));
        return new;
      end $$;`);
    this.addSql(
      `create trigger "call_records_webhooks" after insert or update of "status" or delete on "call_records" for each row execute function "call_webhooks"();`,
    );
    this.addSql(
      `create trigger "action_items_webhooks" after insert or update on "action_items" for each row execute function "action_item_webhooks"();`,
    );
  }
}
