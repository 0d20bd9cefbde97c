/**
 * A piece of SQL with its parameters: a whole statement (the bench reads its
 * plan), or the subquery the costs module lends to the call's cost write.
 */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}
