-- GET pages as many signed-in people: each request takes the next (cookie, path) pair from a file
-- that bench/serve.py wrote, so that requests spread over people and lessons as real traffic does.
-- Usage: wrk ... -s bench/wrk/pages.lua URL -- ITEMS_FILE [THREADS]
-- With THREADS, each item is requested once (thread n takes lines n, n+THREADS, ...) and the run ends
-- when all are done: the first visit of every page.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local common = dofile(here .. "common.lua")

local items = {}
local index = 0

setup = common.setup

local once = false

function init(args)
   local count = tonumber(args[2])
   once = count ~= nil
   local n = 0
   for line in io.lines(args[1]) do
      if not once or n % count == id then
         local cookie, path = line:match("^([^\t]*)\t([^\t]+)$")
         items[#items + 1] = { cookie, path }
      end
      n = n + 1
   end
   exhausted = 0
   -- Threads start far apart in the list.
   index = once and 0 or (id * 7919) % #items
end

local answered = 0
local count_status = common.response(200)

function request()
   index = index % #items + 1
   local item = items[index]
   local headers = common.headers()
   if item[1] ~= "" then
      headers["Cookie"] = item[1]
   end
   return wrk.format("GET", item[2], headers)
end

-- wrk stops a thread only from response(): once every item of this thread was answered.
function response(status, headers, body)
   count_status(status, headers, body)
   answered = answered + 1
   if once and answered >= #items then
      wrk.thread:stop()
   end
end
done = common.done
