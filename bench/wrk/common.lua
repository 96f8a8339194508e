-- Shared by pages.lua and submit.lua: thread ids, the headers a browser sends, status counting and
-- the JSON summary that bench/serve.py reads.
local common = {}
local threads = {}

function common.setup(thread)
   thread:set("id", #threads)
   threads[#threads + 1] = thread
end

function common.headers()
   -- The user agent the sessions were signed in with (sessions are bound to it), and gzip as
   -- every browser asks for it.
   return { ["User-Agent"] = "culture-courses-bench", ["Accept-Encoding"] = "gzip" }
end

-- Count responses whose status is not the expected one (a sign-in redirect, an error).
function common.response(expected)
   unexpected = 0
   return function(status, headers, body)
      if status ~= expected then
         unexpected = unexpected + 1
         if unexpected <= 3 then
            io.stderr:write(string.format("unexpected status %d\n", status))
         end
      end
   end
end

function common.done(summary, latency, requests)
   local unexpected, exhausted = 0, 0
   for _, thread in ipairs(threads) do
      unexpected = unexpected + (thread:get("unexpected") or 0)
      exhausted = exhausted + (thread:get("exhausted") or 0)
   end
   local errors = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
      '"mean_us": %.1f, "max_us": %d, "unexpected": %d, "exhausted": %d, "socket_errors": %d, "timeouts": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.mean, latency.max, unexpected, exhausted,
      errors.connect + errors.read + errors.write, errors.timeout))
end

return common
