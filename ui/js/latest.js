// Answers to repeated requests (a list, a search, the totals, the chat read again after an
// answer) can come back out of order: only the newest request's answer may be drawn, or an
// older one would overwrite a newer state.

/**
 * `next()` starts a request and returns a check that stays true while no later request has
 * started; `drop()` makes every request started so far stale (the view was cleared).
 */
export function latestOnly() {
  let newest = 0;
  return {
    next() {
      const mine = ++newest;
      return () => mine === newest;
    },
    drop() {
      newest++;
    },
  };
}
