-- One write to a Meshport session, atomically: the request token, the key's version, the next version,
-- the record, the replaced value's expiry, and the change appended to the session's stream.
-- KEYS: 1 version counter, 2 sorted set of keys, 3 the key's hash, 4 changes stream, 5 the token's hash
--       (the key's hash again when there is no token), 6 sorted set of replaced values by when to drop them
-- ARGV: 1 key, 2 ifVersion (-1: any), 3 'put' or 'delete', 4 head, 5 blob, 6 pieces, 7 changes kept,
--       8 token seconds, 9 milliseconds a replaced value is kept, 10 prefix of pieces, 11 '1' with a token,
--       12 the value itself when it is small (one piece, not stored beforehand), else ''
local inline = ARGV[12] ~= nil and ARGV[12] ~= ''
local hasToken = ARGV[11] == '1'
if hasToken and redis.call('EXISTS', KEYS[5]) == 1 then
  return {'replayed', redis.call('HMGET', KEYS[5], 'k', 'v', 'd', 'h')}
end
local current = tonumber(redis.call('HGET', KEYS[3], 'v') or '0')
local ifVersion = tonumber(ARGV[2])
if ifVersion >= 0 and current ~= ifVersion then
  return {'conflict', tostring(current)}
end
local put = ARGV[3] == 'put'
if not put and current == 0 then
  return {'notfound'}
end
local pieces = tonumber(ARGV[6])
if put and not inline then
  for i = 0, pieces - 1 do
    if redis.call('EXISTS', ARGV[10] .. ARGV[5] .. ':' .. i) == 0 then
      return {'lost', tostring(i)}
    end
  end
end
local version = redis.call('INCR', KEYS[1])
-- The replaced value stays readable a while, for hosts reading it now; then a later write drops it. Its
-- pieces also expire, in case no write comes; Redis's own expiry alone lets large values linger.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local old = redis.call('HMGET', KEYS[3], 'b', 'n')
if old[1] then
  for i = 0, tonumber(old[2]) - 1 do
    redis.call('PEXPIRE', ARGV[10] .. old[1] .. ':' .. i, ARGV[9])
  end
  redis.call('ZADD', KEYS[6], now + tonumber(ARGV[9]), old[1] .. ':' .. old[2])
end
for _, ref in ipairs(redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now, 'LIMIT', 0, 8)) do
  local colon = string.find(ref, ':', 1, true)
  local blob = string.sub(ref, 1, colon - 1)
  for i = 0, tonumber(string.sub(ref, colon + 1)) - 1 do
    redis.call('DEL', ARGV[10] .. blob .. ':' .. i)
  end
  redis.call('ZREM', KEYS[6], ref)
end
local id = version .. '-0'
if put then
  if inline then
    redis.call('SET', ARGV[10] .. ARGV[5] .. ':0', ARGV[12])
  end
  for i = 0, pieces - 1 do
    redis.call('PERSIST', ARGV[10] .. ARGV[5] .. ':' .. i)
  end
  redis.call('HSET', KEYS[3], 'v', version, 'h', ARGV[4], 'b', ARGV[5], 'n', pieces)
  redis.call('ZADD', KEYS[2], 0, ARGV[1])
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], id, 'k', ARGV[1], 'h', ARGV[4], 'b', ARGV[5], 'n', pieces)
else
  redis.call('DEL', KEYS[3])
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], id, 'k', ARGV[1], 'd', '1')
end
if hasToken then
  if put then
    redis.call('HSET', KEYS[5], 'k', ARGV[1], 'v', version, 'h', ARGV[4])
  else
    redis.call('HSET', KEYS[5], 'k', ARGV[1], 'v', version, 'd', '1')
  end
  redis.call('EXPIRE', KEYS[5], ARGV[8])
end
return {'ok', version}
