// @x/dc-registry: Telegram DC addresses for TCP and WebSocket. Zero dependencies, browser-safe.
export { DcRegistry, type ConfigLike, type DcRegistryOptions, type EnvironmentOption } from './registry.js';
export { DcRegistryError, type DcRegistryErrorCode } from './errors.js';
export type { DcEndpoint, DcTransportKind, EndpointSource, ResolveOptions } from './endpoint.js';
export type { DcOptionLike } from './dc-option.js';
export { parseMigration, type Migration } from './migration.js';
export { parseOverride, type DcOverride, type DcOverrideEntry } from './override.js';
export type { DcOptionJson, DcRegistryJson, EnvironmentJson } from './json.js';
export {
  BUILT_IN_PORTS,
  DC_REGIONS,
  PRODUCTION_ADDRESSES,
  TEST_ADDRESSES,
  WEBSOCKET_DOMAIN,
  WEBSOCKET_MEDIA_SUFFIX,
  WEBSOCKET_NAMES,
  WEBSOCKET_PATH,
  WEBSOCKET_TEST_PATH,
  type BuiltInAddress,
} from './tables.js';
