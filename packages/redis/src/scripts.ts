/**
 * The Lua scripts the store runs in Redis. Each runs atomically, so "check then write" cannot be
 * interleaved with another instance's write. All keys of one credential share a hash tag, so
 * the scripts also run on Redis Cluster (their keys live in one slot).
 *
 * A stored value is `<fence>:<sealed token>`; the fence is the number of the lock under which
 * it was written (or the key's current fence for writes without a lock).
 */

/** KEYS: lock, fence. ARGV: owner id, lock ttl (ms). → the new fence, or 0 when the lock is held. */
export const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`;

/** KEYS: lock. ARGV: owner id. Deletes the lock only when this owner still holds it. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * KEYS: value, fence. ARGV: fence of the writer ('' = the key's current fence), sealed value,
 * ttl (ms). Writes unless the stored value carries a higher fence (a newer holder's token):
 * a holder whose lock expired cannot overwrite what the next holder stored. → 1 written, 0 not.
 */
export const FENCED_SET = `
local fence = ARGV[1]
if fence == '' then fence = redis.call('GET', KEYS[2]) or '0' end
local current = redis.call('GET', KEYS[1])
if current then
  local stored = tonumber(string.match(current, '^(%d+):'))
  if stored and stored > tonumber(fence) then return 0 end
end
redis.call('SET', KEYS[1], fence .. ':' .. ARGV[2], 'PX', ARGV[3])
return 1`;
