import { Migration } from '@mikro-orm/migrations';

/** The initial data model: users and everything they own, cascading on delete. */
export class Migration20261124InitialSchema extends Migration {
  override name = 'Migration20261124InitialSchema';

  override up(): void {
    this.addSql(
      `create table "users" ("id" uuid not null, "external_user_id" text not null, "email" text null, "display_name" text null, "photo_url" text null, "fcm_token" text null, "privacy_policy_version" text null, "privacy_policy_accepted_at" timestamptz null, "terms_version" text null, "terms_accepted_at" timestamptz null, "call_recording_disclaimer_version" text null, "call_recording_disclaimer_accepted_at" timestamptz null, "marketing_opt_in" boolean not null default false, "marketing_opt_in_at" timestamptz null, "plan" text not null default 'FREE', "plans_intro_shown_at" timestamptz null, "account_status" text not null default 'ACTIVE', "account_status_reason" text null, "last_login_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_external_user_id_unique" unique ("external_user_id");`);
    this.addSql(`alter table "users" add constraint "users_plan_check" check ("plan" in ('FREE', 'PRO'));`);
    this.addSql(
      `alter table "users" add constraint "users_account_status_check" check ("account_status" in ('ACTIVE', 'SUSPENDED', 'DISABLED'));`,
    );
    this.addSql(
      `create table "idempotency_keys" ("id" uuid not null, "user_id" uuid not null, "key" text not null, "operation" text not null, "request_hash" text not null, "response_status" int null, "response_body" jsonb null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "idempotency_keys_expires_idx" on "idempotency_keys" ("expires_at");`);
    this.addSql(
      `alter table "idempotency_keys" add constraint "idempotency_keys_user_key_unique" unique ("user_id", "key");`,
    );
    this.addSql(
      `create table "call_records" ("id" uuid not null, "user_id" uuid not null, "title" text null, "contact_name" text null, "contact_id" text null, "phone_number" text null, "organization" text null, "direction" text not null default 'UNKNOWN', "recorded_at" timestamptz not null, "duration_seconds" double precision null, "status" text not null default 'QUEUED', "error_reason" text null, "audio_format" text null, "audio_byte_size" bigint null, "workflow_id" text null, "notes" text null, "completed_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "call_records_user_created_idx" on "call_records" ("user_id", "created_at" desc, "id" desc);`,
    );
    this.addSql(`create index "call_records_status_updated_idx" on "call_records" ("status", "updated_at");`);
    this.addSql(
      `alter table "call_records" add constraint "call_records_direction_check" check ("direction" in ('INCOMING', 'OUTGOING', 'UNKNOWN'));`,
    );
    this.addSql(
      `alter table "call_records" add constraint "call_records_status_check" check ("status" in ('QUEUED', 'TRANSCRIBING', 'ANALYZING', 'COMPLETED', 'FAILED'));`,
    );
    this.addSql(
      `create table "call_artifacts" ("id" uuid not null, "call_id" uuid not null, "artifact_type" text not null, "storage_key" text not null, "content_type" text not null, "byte_size" bigint not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "call_artifacts" add constraint "call_artifacts_call_type_unique" unique ("call_id", "artifact_type");`,
    );
    this.addSql(
      `alter table "call_artifacts" add constraint "call_artifacts_artifact_type_check" check ("artifact_type" in ('TEMP_AUDIO', 'DIARIZATION_JSON', 'RAW_TRANSCRIPT_JSON', 'NORMALIZED_TRANSCRIPT_JSON', 'ANALYSIS_JSON'));`,
    );
    this.addSql(
      `create table "call_processing_events" ("id" uuid not null, "call_id" uuid null, "user_id" uuid not null, "stage" text not null, "status" text not null, "provider" text null, "duration_ms" int null, "error_code" text null, "error_message" text null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "call_processing_events_call_created_idx" on "call_processing_events" ("call_id", "created_at");`,
    );
    this.addSql(
      `alter table "call_processing_events" add constraint "call_processing_events_status_check" check ("status" in ('STARTED', 'COMPLETED', 'FAILED', 'SKIPPED'));`,
    );
    this.addSql(
      `create table "action_items" ("id" uuid not null, "user_id" uuid not null, "call_record_id" uuid not null, "title" text not null, "description" text null, "due_date" date null, "status" text not null default 'OPEN', "priority" text null, "source" text null, "intent" text null, "intent_metadata_json" jsonb null, "owner_speaker_id" text null, "owner_speaker_label" text null, "owner_display_name" text null, "owner_role" text null, "source_segment_ids_json" jsonb not null default '[]', "source_text" text null, "completed_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "action_items_user_created_idx" on "action_items" ("user_id", "created_at" desc, "id" desc);`,
    );
    this.addSql(`create index "action_items_call_created_idx" on "action_items" ("call_record_id", "created_at");`);
    this.addSql(
      `alter table "action_items" add constraint "action_items_status_check" check ("status" in ('OPEN', 'IN_PROGRESS', 'DONE', 'DISMISSED'));`,
    );
    this.addSql(
      `alter table "action_items" add constraint "action_items_priority_check" check ("priority" in ('LOW', 'MEDIUM', 'HIGH'));`,
    );
    this.addSql(
      `alter table "action_items" add constraint "action_items_source_check" check ("source" in ('AI', 'MANUAL'));`,
    );
    this.addSql(
      `alter table "action_items" add constraint "action_items_owner_role_check" check ("owner_role" in ('USER', 'CONTACT', 'UNKNOWN'));`,
    );
    this.addSql(
      `create table "user_voice_profiles" ("id" uuid not null, "user_id" uuid not null, "provider" text not null, "model" text null, "model_version" text null, "embedding_json" jsonb not null, "consent_version" text not null, "sample_duration_seconds" double precision not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "user_voice_profiles" add constraint "user_voice_profiles_user_unique" unique ("user_id");`,
    );
    this.addSql(
      `alter table "idempotency_keys" add constraint "idempotency_keys_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "call_records" add constraint "call_records_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "call_artifacts" add constraint "call_artifacts_call_id_foreign" foreign key ("call_id") references "call_records" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "call_processing_events" add constraint "call_processing_events_call_id_foreign" foreign key ("call_id") references "call_records" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "call_processing_events" add constraint "call_processing_events_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "action_items" add constraint "action_items_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "action_items" add constraint "action_items_call_record_id_foreign" foreign key ("call_record_id") references "call_records" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "user_voice_profiles" add constraint "user_voice_profiles_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
  }
}
