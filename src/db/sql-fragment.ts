/** A piece of SQL with its parameters, for another table's statement to embed: how one table's owner lends a subquery to another's. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}
