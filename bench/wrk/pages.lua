-- GET pages as many signed-in people: each request takes the next (cookie, path) pair from a file
-- that bench/serve.py wrote, so that requests spread over people and lessons as real traffic does.
-- Usage: wrk ... -s bench/wrk/pages.lua URL -- ITEMS_FILE
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local common = dofile(here .. "common.lua")

local items = {}
local index = 0

setup = common.setup

function init(args)
   for line in io.lines(args[1]) do
      local cookie, path = line:match("^([^\t]*)\t([^\t]+)$")
      items[#items + 1] = { cookie, path }
   end
   -- Threads start far apart in the list.
   index = (id * 7919) % #items
end

function request()
   index = index % #items + 1
   local item = items[index]
   local headers = common.headers()
   if item[1] ~= "" then
      headers["Cookie"] = item[1]
   end
   return wrk.format("GET", item[2], headers)
end

response = common.response(200)
done = common.done
