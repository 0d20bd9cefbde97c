import { Migration } from '@mikro-orm/migrations';

/**
 * An account's status, however it is changed (an operator's statement
 * included), is announced on the bus when the change commits, so every
 * instance ends that user's open subscriptions at once. `account_is_active`
 * is what the webhook dispatcher asks before it starts a user's deliveries:
 * a suspended or disabled account's wait, undispatched, until it is active
 * again.
 */
export class Migration20261207AccountStatusNotice extends Migration {
  override name = 'Migration20261207AccountStatusNotice';

  override up(): void {
    this.addSql(`create function "account_status_notice"() returns trigger language plpgsql as $$
      begin
        perform pg_notify('scryon_call_status', json_build_object(
          'kind', 'account', 'userId', new.id, 'externalUserId', new.external_user_id, 'status', new.account_status)::text);
        return new;
      end $$;`);
    this.addSql(`create trigger "users_account_status_notice"
      after update of "account_status" on "users" for each row
      when (old.account_status is distinct from new.account_status) execute function "account_status_notice"();`);
    this.addSql(`create function "account_is_active"(p_user uuid) returns boolean language sql stable as $$
      select coalesce((select account_status = 'ACTIVE' from users where id = p_user), false)
    $$;`);
  }
}
