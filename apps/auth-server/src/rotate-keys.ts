import { parseArgs } from 'node:util';
import { keysFileFromEnv } from './config.js';
import { rotateSigningKeys } from './keys/signing-keys.js';

// CLI: `npm run keys:rotate -w @portcullis/auth-server [-- --prune]`.
// Adds a new ES256 and RS256 key in front of the key set in KEYS_FILE; restart the server to
// start signing with them. Previous keys stay published unless --prune drops all but one per alg.
const { values } = parseArgs({
  options: { prune: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  allowPositionals: false,
});

if (values.help) {
  console.log(
    'usage: keys:rotate [--prune]\n' +
      '  adds a new ES256 and RS256 signing key first in KEYS_FILE (default apps/auth-server/.data/jwks.json)\n' +
      '  --prune  keep only the new keys and the previous key of each algorithm\n' +
      'Restart the auth server afterwards to sign with the new keys.',
  );
} else {
  const file = keysFileFromEnv(process.env);
  const { added, removed } = await rotateSigningKeys(file, { prune: values.prune });
  console.log(
    `keys:rotate: ${file}: added ${added.join(', ')}${removed.length > 0 ? `; removed ${removed.join(', ')}` : ''}`,
  );
  console.log('keys:rotate: restart the auth server to sign with the new keys');
}
