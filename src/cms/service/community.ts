import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';
import { CachedRead } from './cached-read.js';
import type { CmsCalls } from './cms-calls.js';

export interface ClockInType {
  id: string;
  label: string;
}

/** A department and its ranks, as the audit channel names them. */
export interface Department {
  uuid: string;
  label: string;
  ranks: { id: string; label: string }[];
}

export interface GameServer {
  id: number;
  name: string;
}

/** Community settings change rarely: read at most every few minutes, whoever asks. */
const FRESH_FOR_MS = 5 * 60_000;
/** Kept much longer: a stale list beats none while the CMS is down. */
const KEEP_FOR_MS = 7 * 24 * 60 * 60_000;

/**
 * The community's settings the commands show and autocomplete from (clock-in types and game
 * servers) and the audit channel names ranks with (departments). Cached in Redis (see
 * CachedRead), so an autocomplete or an audit notice answers at once from the cache.
 */
export class CommunitySettings {
  readonly clockInTypes: CachedRead<ClockInType[]>;
  readonly servers: CachedRead<GameServer[]>;
  readonly departments: CachedRead<Department[]>;

  constructor(calls: CmsCalls, redis: Redis, namespace: string, logger: Logger) {
    const common = { redis, freshForMs: FRESH_FOR_MS, keepForMs: KEEP_FOR_MS, logger };
    this.clockInTypes = new CachedRead({
      ...common,
      name: 'clock-in types',
      key: `${namespace}:cache:clock-in-types`,
      load: async (priority) =>
        (await calls.call('getClockInTypes', {}, { priority })).map(({ id, label }) => ({
          id,
          label,
        })),
    });
    this.servers = new CachedRead({
      ...common,
      name: 'game servers',
      key: `${namespace}:cache:servers`,
      load: async (priority) =>
        (await calls.call('getServers', {}, { priority })).servers.map(({ id, name }) => ({
          id,
          name,
        })),
    });
    this.departments = new CachedRead({
      ...common,
      name: 'departments',
      key: `${namespace}:cache:departments`,
      load: async (priority) =>
        (await calls.call('getDepartments', {}, { priority })).map(({ uuid, label, ranks }) => ({
          uuid,
          label,
          ranks: ranks.map(({ id, label: rank }) => ({ id, label: rank })),
        })),
    });
  }
}
