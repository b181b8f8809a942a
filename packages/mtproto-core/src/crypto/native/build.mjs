// Builds the optional AES-NI IGE addon (aes-ige.c) into dist/native/aes-ige.node with the system C
// compiler and Node's own headers; no node-gyp, no download. Never fails the package build: when no
// compiler or headers are found, or on a CPU family without AES instructions, it says so and the
// Node provider uses its JS/CBC fallback.
//   node src/crypto/native/build.mjs            (run by `pnpm build`)
//   MTPROTO_NO_NATIVE=1 skips it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..', '..', '..');
const source = join(here, 'aes-ige.c');
const output = join(packageRoot, 'dist', 'native', 'aes-ige.node');

function skip(reason) {
  console.log(`aes-ige addon not built (${reason}); the Node provider will use its JS fallback`);
  process.exit(0);
}

if (process.env.MTPROTO_NO_NATIVE) skip('MTPROTO_NO_NATIVE is set');
if (process.arch !== 'x64' && process.arch !== 'ia32') skip(`no AES-NI code path for ${process.arch}`);
if (process.platform === 'win32') skip('Windows builds are not set up');

const headerDirs = [
  process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
  join(dirname(dirname(process.execPath)), 'include', 'node'),
  '/usr/include/node',
  '/usr/local/include/node',
].filter(Boolean);
const include = headerDirs.find((dir) => existsSync(join(dir, 'node_api.h')));
if (!include) skip('Node headers (node_api.h) not found');

const compiler = process.env.CC || 'cc';
const args = ['-O3', '-std=c11', '-shared', '-fPIC', '-Wall', '-I', include, source, '-o', output];
if (process.platform === 'darwin') args.push('-undefined', 'dynamic_lookup');
mkdirSync(dirname(output), { recursive: true });
try {
  execFileSync(compiler, args, { stdio: ['ignore', 'inherit', 'inherit'] });
} catch (error) {
  skip(`${compiler} failed: ${error.message.split('\n')[0]}`);
}
console.log(`built ${output}`);
