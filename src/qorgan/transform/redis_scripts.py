"""The vault's Lua scripts: each runs atomically in Redis, so two replicas can never give
one value two tokens, nor one token two values, nor pass a scope's or a tenant's bound
together."""

from __future__ import annotations

# KEYS: f r c x   ARGV: ttl ms, max tokens, then per value: forward field, entity type,
#                       sealed record. The capacity is checked before anything is written.
ISSUE = """
local n = (#ARGV - 2) / 3
local seen, new = {}, 0
for i = 0, n - 1 do
  local fwd = ARGV[3 + 3 * i]
  if not seen[fwd] then
    seen[fwd] = true
    if redis.call('HEXISTS', KEYS[1], fwd) == 0 then new = new + 1 end
  end
end
if new > 0 and redis.call('HLEN', KEYS[2]) + new > tonumber(ARGV[2]) then
  return redis.error_reply('QORGAN_SCOPE_FULL')
end
local out = {}
for i = 0, n - 1 do
  local fwd, etype, rec = ARGV[3 + 3 * i], ARGV[4 + 3 * i], ARGV[5 + 3 * i]
  local tok = redis.call('HGET', KEYS[1], fwd)
  if not tok then
    while true do
      tok = '<' .. etype .. '_' .. redis.call('HINCRBY', KEYS[3], etype, 1) .. '>'
      if redis.call('HEXISTS', KEYS[2], tok) == 0
         and redis.call('SISMEMBER', KEYS[4], tok) == 0 then
        break
      end
    end
    redis.call('HSET', KEYS[1], fwd, tok)
    redis.call('HSET', KEYS[2], tok, rec)
  end
  out[#out + 1] = tok
  out[#out + 1] = redis.call('HGET', KEYS[2], tok)
end
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return out
"""

# KEYS: f r c x   ARGV: forward field, token field, sealed record, ttl ms, max tokens,
#                       forward fields the fake would have as a real value (must be unused)
CLAIM = """
local f = redis.call('HGET', KEYS[1], ARGV[1])
if f then
  for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
  return {f, redis.call('HGET', KEYS[2], f)}
end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[5]) then
  return redis.error_reply('QORGAN_SCOPE_FULL')
end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return false end
for i = 6, #ARGV do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then return false end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
return {ARGV[2], ARGV[3]}
"""

# KEYS: the tenant's set of live scopes   ARGV: now ms, expiry ms, max scopes, scope id, ttl ms
# A scope already counted renews its place; a new one is admitted only below the bound.
ADMIT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if not redis.call('ZSCORE', KEYS[1], ARGV[4])
   and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
"""


__all__ = ["ADMIT", "CLAIM", "ISSUE"]
