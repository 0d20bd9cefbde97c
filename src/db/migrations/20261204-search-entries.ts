import { Migration } from '@mikro-orm/migrations';

/**
 * Full-text search: one row per thing a user can find (a transcript segment,
 * the call's title and contact, its summary, an action item), its words
 * stemmed in the transcript's language. The GIN index pairs the owner with
 * the words (btree_gin), so a common word is looked up within one user's rows
 * rather than everyone's; the second index walks a user's entries newest
 * call first, which is how a word found everywhere is searched (the newest
 * matches ranked, see search-entry-queries.ts). Every row cascades from its call (and an item's from
 * its item), so a delete removes it from search in the same transaction.
 */
export class Migration20261204SearchEntries extends Migration {
  override name = 'Migration20261204SearchEntries';

  override up(): void {
    this.addSql(`create extension if not exists btree_gin;`);
    this.addSql(`create table "search_entries" (
      "id" uuid not null,
      "user_id" uuid not null,
      "call_id" uuid not null,
      "recorded_at" timestamptz not null,
      "source" text not null,
      "segment_id" text null,
      "action_item_id" uuid null,
      "start_seconds" double precision null,
      "speaker_role" text null,
      "speaker_name" text null,
      "config" regconfig not null,
      "body" text not null,
      "words" tsvector generated always as (to_tsvector("config", "body")) stored,
      primary key ("id"));`);
    this.addSql(
      `alter table "search_entries" add constraint "search_entries_source_check" check ("source" in ('SEGMENT', 'CALL', 'SUMMARY', 'ACTION_ITEM'));`,
    );
    this.addSql(
      `alter table "search_entries" add constraint "search_entries_speaker_role_check" check ("speaker_role" in ('USER', 'CONTACT', 'UNKNOWN'));`,
    );
    this.addSql(
      `alter table "search_entries" add constraint "search_entries_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "search_entries" add constraint "search_entries_call_id_foreign" foreign key ("call_id") references "call_records" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "search_entries" add constraint "search_entries_action_item_id_foreign" foreign key ("action_item_id") references "action_items" ("id") on delete cascade;`,
    );
    this.addSql(`create index "search_entries_user_words_idx" on "search_entries" using gin ("user_id", "words");`);
    this.addSql(
      `create index "search_entries_user_recorded_idx" on "search_entries" ("user_id", "recorded_at" desc, "id" desc);`,
    );
    this.addSql(`create index "search_entries_call_idx" on "search_entries" ("call_id");`);
    this.addSql(
      `create unique index "search_entries_action_item_unique" on "search_entries" ("action_item_id") where "action_item_id" is not null;`,
    );
  }
}
