-- POST quiz submissions: every request submits a different open attempt of a different person
-- (prepared by bench/serve.py), so each one is graded and stored; none is a repeat.
-- Usage: wrk ... -s bench/wrk/submit.lua URL -- ITEMS_FILE THREADS
-- ITEMS_FILE lines: cookie TAB path TAB form body. Thread n takes lines n, n+THREADS, ...
-- A thread that runs out of attempts stops (bench/serve.py checks that none did).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local common = dofile(here .. "common.lua")

local items = {}
local index = 0

setup = common.setup

function init(args)
   local count = tonumber(args[2])
   local n = 0
   for line in io.lines(args[1]) do
      if n % count == id then
         local cookie, path, body = line:match("^([^\t]*)\t([^\t]+)\t(.*)$")
         items[#items + 1] = { cookie, path, body }
      end
      n = n + 1
   end
   exhausted = 0
end

function request()
   index = index + 1
   if index > #items then
      exhausted = 1
      wrk.thread:stop()
      index = #items
   end
   local item = items[index]
   local headers = common.headers()
   headers["Cookie"] = item[1]
   headers["Content-Type"] = "application/x-www-form-urlencoded"
   return wrk.format("POST", item[2], headers, item[3])
end

-- A graded submission redirects to the attempt's review page.
response = common.response(303)
done = common.done
