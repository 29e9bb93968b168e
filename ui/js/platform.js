// The platform from get_state, and what the UI calls its secure store for the API Key
// (keyring on Linux, Keychain on macOS, Credential Manager on Windows).

import { t } from './i18n.js';

let platform = 'linux';

export function setPlatform(p) {
  platform = p || 'other';
}

/** The name of the place the API Key is kept, in the current language. */
export function keyStore() {
  const k = ['linux', 'macos', 'windows'].includes(platform) ? platform : 'other';
  return t(`keyStore.${k}`);
}
