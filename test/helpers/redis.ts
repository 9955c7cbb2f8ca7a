/** Tests start their own Redis through the same helper the benchmark and the sandbox use. */
export {
  freePort,
  redisServerAvailable,
  startLocalRedis as startTestRedis,
  type LocalRedis as TestRedis,
} from '../../src/dev/redis-server.js';
