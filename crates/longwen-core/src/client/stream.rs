//! SSE → deltas, usage, finish reason, in-stream errors.
