-- wrk request: one IMDB-like review per POST /v1/classify (the common online case).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"texts": ["I rented this movie on a friend\'s advice and I am glad I did. The acting is honest, the story takes its time without dragging, and the ending stayed with me for days. A few scenes in the middle are slow and the music is too loud, but the two leads carry it. Not perfect, but one of the better films I have seen this year."]}'

-- Non-200 answers count as errors in the summary.
response = function(status, headers, body)
  if status ~= 200 then
    wrk.thread:stop()
  end
end
