// Turns and their versions, from a chat's messages (no DOM). A turn is one question and its
// answer; regenerating an answer or editing the question adds a later version of the turn
// (messages share `turn_id`, answers name their question in `question_id`). The newest
// version is the one follow-ups send as history, so it is the one shown by default.

/**
 * `[{turnId, versions: [{question, answer}]}]`, turns in the order they were first asked,
 * versions oldest first. `question` or `answer` may be null (a question whose answer was
 * never stored, an answer whose question row is missing).
 */
export function buildTurns(messages) {
  const byId = new Map();
  for (const m of messages || []) byId.set(m.id, m);
  const turns = new Map();
  const sorted = [...(messages || [])].sort((a, b) => a.id - b.id);
  for (const m of sorted) {
    const turnId = turnOf(m);
    let turn = turns.get(turnId);
    if (!turn) {
      turn = { turnId, versions: [] };
      turns.set(turnId, turn);
    }
    if (m.role === 'user') {
      turn.versions.push({ question: m, answer: null });
      continue;
    }
    // An answer: it joins the version of its question that has no answer yet, else it is a
    // new version (a regenerated answer) of that question.
    const qid = m.question_id ?? lastQuestionId(turn);
    const open = [...turn.versions].reverse().find((v) => v.question && v.question.id === qid && !v.answer);
    if (open) open.answer = m;
    else turn.versions.push({ question: byId.get(qid) || null, answer: m });
  }
  return [...turns.values()].sort((a, b) => a.turnId - b.turnId);
}

/** The turn a message belongs to (a turn's id is its first question's; older rows have none). */
export function turnOf(m) {
  return m.turn_id ?? m.id;
}

/** The oldest turn among `messages` (Infinity for none). */
export function oldestTurn(messages) {
  return messages.reduce((t, m) => Math.min(t, turnOf(m)), Infinity);
}

function lastQuestionId(turn) {
  for (let i = turn.versions.length - 1; i >= 0; i -= 1) {
    if (turn.versions[i].question) return turn.versions[i].question.id;
  }
  return null;
}

/** Message id → `{turn, index}`: the turn holding it and the index of its version. */
export function indexTurns(turns) {
  const map = new Map();
  for (const turn of turns) {
    turn.versions.forEach((v, index) => {
      if (v.question) map.set(v.question.id, { turn, index });
      if (v.answer) map.set(v.answer.id, { turn, index });
    });
  }
  return map;
}

/** Documents by id: the chat's attached ones, those its answers read, and `extra`. */
export function documentIndex(chat, extra = []) {
  const map = new Map();
  for (const d of [...(chat?.documents_read || []), ...(chat?.documents || []), ...extra]) {
    if (d && !map.has(d.id)) map.set(d.id, d);
  }
  return map;
}
