-- wrk script for scripts/load.sh: every request a query never asked before, so that none is
-- answered from the server's kept outcomes. A rent ceiling far above any rent changes no result,
-- only the query; each wrk thread counts in a range of its own (loyer_max stops at 100,000).
-- Usage: wrk -t2 -s scripts/load_distinct.lua URL, where URL's path and query end with "&".
-- Two threads exactly: a third would count past 100,000 and be refused.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("first", 5000 + (threads - 1) * 47000)
end

function init(args)
  n = 0
end

function request()
  n = n + 1
  -- Past 47,000 requests a thread would repeat itself: at this rate, never in a run.
  return wrk.format(nil, wrk.path .. "loyer_max=" .. (first + n % 47000))
end
