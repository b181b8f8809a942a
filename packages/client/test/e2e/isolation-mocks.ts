/**
 * For the transport-isolation tests: each file mocks @x/transport-tcp and @x/transport-ws with
 * these factories, so loading a package is counted, or fails as if it were not installed.
 * (One scenario per file: a module, once loaded, stays loaded for the file.)
 */
export function notInstalled(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from @x/client`), { code: 'ERR_MODULE_NOT_FOUND' });
}
