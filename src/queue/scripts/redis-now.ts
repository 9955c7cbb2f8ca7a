/** Lua: `now`, Redis's own clock in ms. Every host sharing the Redis decides against it. */
export const REDIS_NOW = `
local redisTime = redis.call('TIME')
local now = tonumber(redisTime[1]) * 1000 + tonumber(redisTime[2]) / 1000
`;
