import { Migration } from '@mikro-orm/migrations';

/**
 * What each provider request of a call consumed and cost, one row per
 * attempt of a metered stage: a failed attempt the provider did not bill is
 * a row with billed false and no cost. `attempt` names the activity attempt,
 * so an attempt recorded twice (a retried write) is still one row. The
 * call's total is kept beside it on call_records, so a summary of many calls
 * sums one column instead of joining every attempt.
 */
export class Migration20261204ProviderUsage extends Migration {
  override name = 'Migration20261204ProviderUsage';

  override up(): void {
    this.addSql(`create table "provider_usage" (
      "id" uuid not null,
      "user_id" uuid not null,
      "call_id" uuid not null,
      "attempt" text not null,
      "stage" text not null,
      "provider" text not null,
      "model" text null,
      "billed" boolean not null,
      "audio_seconds" double precision null,
      "input_tokens" int null,
      "output_tokens" int null,
      "cost_usd" numeric(14, 6) not null default 0,
      "created_at" timestamptz not null default now(),
      primary key ("id"));`);
    this.addSql(
      `alter table "provider_usage" add constraint "provider_usage_call_attempt_unique" unique ("call_id", "attempt");`,
    );
    this.addSql(
      `alter table "provider_usage" add constraint "provider_usage_stage_check" check ("stage" in ('TRANSCRIBED', 'DIARIZED', 'ANALYZED'));`,
    );
    this.addSql(
      `alter table "provider_usage" add constraint "provider_usage_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "provider_usage" add constraint "provider_usage_call_id_foreign" foreign key ("call_id") references "call_records" ("id") on delete cascade;`,
    );
    this.addSql(`alter table "call_records" add column "cost_usd" double precision not null default 0;`);
  }
}
