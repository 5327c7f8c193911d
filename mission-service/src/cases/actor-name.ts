/**
 * Who did it, in words: case events and audit rows keep the actor's id; people read the user's display name (else
 * their user name), and the service's own actions as such.
 */

/** A person's name for an actor id: the user's display name, else their user name; the service says so. */
export const ACTOR_NAME_SQL = (actor: string) =>
  `COALESCE((SELECT COALESCE(u.display_name, u.username) FROM users u WHERE u.id = ${actor}),
     CASE WHEN ${actor} LIKE 'system:%' THEN '系统 / system (' || substr(${actor}, 8) || ')' ELSE ${actor} END)`;
