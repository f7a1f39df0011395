"""The frontier's Lua scripts: each step that must not be cut in two by a kill is one
script, which Redis runs atomically (``frontier.py`` registers them).

A push and a pop first check the worker's marker (``Keys.marked``): when Redis
lost its data (a restart, a flush), they return ``LOST`` and write nothing, so
the first command after the loss tells the worker, and the emptied server gets
no stray part of the old frontier.
"""

LOST = -1

# Queue a request unless its fingerprint was seen, in one round trip; a push
# means the frontier is not drained.
# KEYS: duplicate filter, queue, draining, marker; ARGV: fingerprint ('' skips the
# filter), score, request.
PUSH = """
if redis.call('EXISTS', KEYS[4]) == 0 then return -1 end
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('DEL', KEYS[3])
return 1
"""

# Ack the requests done since the last pop, then pop the best request and record
# it as in flight, with its score, atomically: a kill in between would lose it.
# KEYS: queue, in-flight hash, marker; ARGV: tokens to ack.
POP = """
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if #ARGV > 0 then redis.call('HDEL', KEYS[2], unpack(ARGV)) end
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], redis.sha1hex(found[1]), found[2] .. '\\n' .. found[1])
return found[1]
"""

# Put a gone worker's in-flight requests back in the queue and drop it from the
# workers, unless its alive key is back (a restart won the race): all or nothing.
# KEYS: alive, in-flight hash, queue, workers; ARGV: worker, '1' to skip the alive check.
RECOVER = """
if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local entries = redis.call('HVALS', KEYS[2])
for _, entry in ipairs(entries) do
  local cut = string.find(entry, '\\n', 1, true)
  redis.call('ZADD', KEYS[3], string.sub(entry, 1, cut - 1), string.sub(entry, cut + 1))
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[4], ARGV[1])
return #entries
"""
