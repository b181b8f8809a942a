/**
 * Loader for the optional AES-NI IGE addon (native/aes-ige.c, built by `pnpm build` into
 * dist/native/). Like `ws` with `bufferutil`: if it is missing, fails to load, or the CPU lacks the
 * AES instructions, `nativeIge` is undefined and callers use the JS code.
 * Set MTPROTO_NO_NATIVE=1 to force the fallback.
 */
import { createRequire } from 'node:module';

export interface NativeIge {
  encrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array, out: Uint8Array): Uint8Array;
  decrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array, out: Uint8Array): Uint8Array;
  supported(): boolean;
}

/** Why the addon is or is not in use, for logs and benchmarks. */
export let nativeIgeStatus = 'not loaded';

function load(): NativeIge | undefined {
  if (process.env.MTPROTO_NO_NATIVE) {
    nativeIgeStatus = 'disabled by MTPROTO_NO_NATIVE';
    return undefined;
  }
  try {
    // The same relative path works from src/crypto (tests) and dist/crypto (the package).
    const addon = createRequire(import.meta.url)('../../dist/native/aes-ige.node') as NativeIge;
    if (!addon.supported()) {
      nativeIgeStatus = 'built, but this CPU has no AES instructions';
      return undefined;
    }
    nativeIgeStatus = 'AES-NI addon';
    return addon;
  } catch (error) {
    nativeIgeStatus = `unavailable (${(error as Error).message.split('\n')[0]})`;
    return undefined;
  }
}

export const nativeIge: NativeIge | undefined = load();
